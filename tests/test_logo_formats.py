"""Every image format Pillow can write, as a logo: PNG, JPEG (including a phone's
several-picture JPEG) and WebP are taken; any other gets a message beside the field."""

import io
import warnings

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from pledges.models import Pledge
from tests.factories import admin_edit, make_pledge, sign_up_answers
from tests.test_logo import ACCEPTED, logo_error, stored_files
from tests.test_manage import answers, manage_url

pytestmark = pytest.mark.django_db

Image.init()
ALLOWED = {"PNG": "PNG", "JPEG": "JPEG", "MPO": "JPEG", "WEBP": "WEBP"}
RED, BLUE = (200, 16, 46), (0, 40, 200)


def written_as(fmt):
    """A 64 × 32 red picture in `fmt`, in the first mode that format can write, or None
    when this Pillow has no writer for it (the stubs for BUFR, GRIB, HDF5, WMF)."""
    for mode in ("RGB", "P", "L", "1"):
        picture = Image.new(mode, (64, 32), RED if mode == "RGB" else 1)
        buffer = io.BytesIO()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)  # Pillow retires some
                if fmt == "MPO":
                    # Two pictures, as a phone camera writes: the first is the photo.
                    extra = Image.new("RGB", (64, 32), BLUE)
                    picture.save(buffer, format=fmt, save_all=True, append_images=[extra])
                else:
                    picture.save(buffer, format=fmt)
        except (OSError, ValueError, KeyError):
            continue
        return buffer.getvalue()
    return None


def upload(fmt):
    content = written_as(fmt)
    if content is None:
        pytest.skip(f"this Pillow cannot write {fmt}")
    return SimpleUploadedFile(f"logo.{fmt.lower()}", content, content_type="image/png")


def assert_stored_as(pledge, fmt):
    with Image.open(pledge.logo.path) as image:
        assert image.format == fmt
        assert getattr(image, "n_frames", 1) == 1
        assert image.size == (64, 32)
        assert image.convert("RGB").getpixel((10, 10))[2] < 100  # red: the first picture


def test_a_phone_photo_is_a_jpeg_with_several_pictures():
    with Image.open(io.BytesIO(written_as("MPO"))) as image:
        assert (image.format, image.n_frames) == ("MPO", 2)


@pytest.mark.parametrize("fmt", sorted(Image.SAVE))
def test_every_format_pillow_writes_is_taken_or_refused_on_sign_up(client, settings, fmt):
    response = client.post("/pledge/", sign_up_answers(logo=upload(fmt)))
    if fmt in ALLOWED:
        assert response.status_code == 302
        assert_stored_as(Pledge.objects.get(), ALLOWED[fmt])
    else:
        assert response.status_code == 200
        assert logo_error(response) == ACCEPTED
        assert not Pledge.objects.exists()
        assert stored_files(settings) == []


@pytest.mark.parametrize("fmt", ["MPO", "GIF", "TIFF"])
def test_the_manage_page_takes_a_phone_photo_and_refuses_other_formats(client, fmt):
    pledge = make_pledge(status=Pledge.Status.PENDING)  # changed at once, not held for review
    response = client.post(manage_url(pledge), {**answers(pledge), "new_logo": upload(fmt)})
    pledge.refresh_from_db()
    if fmt in ALLOWED:
        assert response.status_code == 302
        assert_stored_as(pledge, "JPEG")
    else:
        assert response.status_code == 200
        assert ACCEPTED in response.content.decode()
        assert not pledge.logo


@pytest.mark.parametrize("fmt", sorted(Image.SAVE))
def test_the_admin_takes_a_phone_photo_and_refuses_other_formats(mod_client, fmt):
    pledge = make_pledge(status=Pledge.Status.APPROVED)
    response, errors = admin_edit(mod_client, pledge, logo=upload(fmt))
    pledge.refresh_from_db()
    if fmt in ALLOWED:
        assert response.status_code == 302, errors
        assert_stored_as(pledge, ALLOWED[fmt])
    else:
        assert response.status_code == 200
        assert errors["logo"], fmt
        assert not pledge.logo
