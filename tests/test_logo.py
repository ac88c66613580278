import io
import zlib

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from PIL import Image

from pledges.models import Pledge
from tests.factories import admin_edit, image_bytes, make_pledge, sign_up_answers

pytestmark = pytest.mark.django_db

S = Pledge.Status

ACCEPTED = (
    "Upload the logo as a PNG, JPEG or WebP image. Other files, including SVG, are not accepted."
)


def upload(client, name, content, content_type="image/png"):
    answers = sign_up_answers(logo=SimpleUploadedFile(name, content, content_type=content_type))
    return client.post("/pledge/", answers)


def logo_error(response):
    html = response.content.decode()
    start = html.find('id="error_1_id_logo"')
    return html[start : html.find("</strong>", start)].split("<strong>")[-1] if start > 0 else None


def stored_files(settings):
    root = settings.MEDIA_ROOT
    return sorted(p.name for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.mark.parametrize("fmt, ext", [("PNG", "png"), ("JPEG", "jpg"), ("WEBP", "webp")])
def test_png_jpeg_and_webp_logos_are_accepted_and_reencoded(client, settings, fmt, ext):
    response = upload(client, f"logo.{ext}", image_bytes(fmt), f"image/{fmt.lower()}")
    assert response.status_code == 302
    pledge = Pledge.objects.get()
    assert pledge.logo.name.startswith("logos/") and pledge.logo.name.endswith(f".{ext}")
    with Image.open(pledge.logo.path) as image:
        assert image.format == fmt
        assert image.size == (64, 32)


def test_metadata_and_trailing_payloads_are_not_kept(client):
    exif = Image.Exif()
    exif[0x010E] = "secret-description"  # ImageDescription
    original = image_bytes("JPEG", exif=exif) + b"<?php system($_GET['c']); ?>"
    assert upload(client, "logo.jpg", original, "image/jpeg").status_code == 302
    with Pledge.objects.get().logo.open("rb") as logo:
        stored = logo.read()
    assert b"secret-description" not in stored
    assert b"<?php" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert not image.getexif()


def test_large_logos_are_scaled_down_for_storage(client):
    assert upload(client, "big.png", image_bytes("PNG", size=(3000, 1500))).status_code == 302
    with Image.open(Pledge.objects.get().logo.path) as image:
        assert image.size == (800, 400)


SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def png_bomb():
    """A few hundred bytes that declare a 20,000 x 20,000 image: a decompression bomb."""
    width = height = 20000
    raw = b"\x00" * (width + 1)  # one row of pixels is enough to make the claim
    header = b"\x89PNG\r\n\x1a\n"

    def chunk(kind, data):
        return (
            len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")
        )

    ihdr = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 0, 0, 0, 0])
    return header + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("logo.svg", SVG, ACCEPTED),
        ("logo.png", SVG, ACCEPTED),  # an SVG with a fake extension
        ("logo.gif", image_bytes("GIF"), ACCEPTED),
        ("logo.bmp", image_bytes("BMP"), ACCEPTED),
        ("logo.png", b"%PDF-1.4 not an image", ACCEPTED),
        # A polyglot: HTML in front of a real PNG, which a browser might sniff as a page.
        ("logo.png", b"<html><script>alert(1)</script></html>" + image_bytes("PNG"), ACCEPTED),
        (
            "logo.png",
            image_bytes("PNG")[:60],
            "This image could not be read: it may be damaged. "
            "Upload the logo as a PNG, JPEG or WebP image.",
        ),
        (
            "logo.png",
            image_bytes("PNG", size=(4001, 10)),
            "Upload the logo as a PNG, JPEG or WebP image of at most 4000 × 4000 pixels.",
        ),
        (
            "logo.png",
            png_bomb(),
            "Upload the logo as a PNG, JPEG or WebP image of at most 4000 × 4000 pixels.",
        ),
        (
            "logo.png",
            b"\x89PNG" + b"0" * (2 * 1024 * 1024),
            "Upload the logo as a PNG, JPEG or WebP image of 2 MB or less.",
        ),
    ],
)
def test_bad_logos_are_refused_with_a_clear_message(client, settings, name, content, message):
    response = upload(client, name, content)
    assert response.status_code == 200
    assert logo_error(response) == message
    assert not Pledge.objects.exists()
    assert stored_files(settings) == []


def test_a_logo_is_served_by_its_name_and_nothing_else_is(client, approved, settings):
    from django.core.files.base import ContentFile

    approved.logo.save("logo.png", ContentFile(image_bytes("PNG")))
    response = client.get("/media/" + approved.logo.name)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")  # and closed
    (settings.MEDIA_ROOT / "secret.txt").write_text("not a logo")
    for name in ("0" * 32 + ".png", "../secret.txt", "..%2fsecret.txt", "x.png", "a" * 32 + ".svg"):
        assert client.get("/media/logos/" + name).status_code == 404, name


# A logo's file goes when the pledge lets it go, whichever path did it, once that is saved.


@pytest.fixture
def with_logo(settings):
    pledge = make_pledge(status=S.APPROVED)
    pledge.logo.save("l.png", ContentFile(image_bytes()))
    path = settings.MEDIA_ROOT / pledge.logo.name
    assert path.exists()
    return pledge, path


def test_replacing_a_logo_in_the_admin_removes_the_old_file(
    mod_client, with_logo, settings, django_capture_on_commit_callbacks
):
    pledge, old = with_logo
    new = SimpleUploadedFile("new.png", image_bytes(colour=(0, 90, 40)), content_type="image/png")
    with django_capture_on_commit_callbacks(execute=True):
        response, errors = admin_edit(mod_client, pledge, logo=new)
    assert response.status_code == 302, errors
    pledge.refresh_from_db()
    assert pledge.logo.name != old.name
    assert (settings.MEDIA_ROOT / pledge.logo.name).exists()
    assert not old.exists()


def test_clearing_a_logo_in_the_admin_removes_its_file(
    mod_client, with_logo, django_capture_on_commit_callbacks
):
    pledge, old = with_logo
    with django_capture_on_commit_callbacks(execute=True):
        response, errors = admin_edit(mod_client, pledge, **{"logo-clear": "on"})
    assert response.status_code == 302, errors
    pledge.refresh_from_db()
    assert not pledge.logo
    assert not old.exists()


def test_an_edit_that_keeps_the_logo_keeps_its_file(
    mod_client, with_logo, django_capture_on_commit_callbacks
):
    pledge, old = with_logo
    with django_capture_on_commit_callbacks(execute=True):
        response, errors = admin_edit(mod_client, pledge, statement="New words.")
    assert response.status_code == 302, errors
    assert old.exists()


def test_the_file_stays_while_the_change_is_not_committed(with_logo):
    pledge, old = with_logo
    pk = pledge.pk
    with pytest.raises(RuntimeError), transaction.atomic():
        pledge.delete()
        raise RuntimeError("the change is rolled back")
    assert old.exists()
    assert Pledge.objects.filter(pk=pk).exists()


def test_deleting_a_pledge_removes_its_logo(with_logo, django_capture_on_commit_callbacks):
    pledge, old = with_logo
    with django_capture_on_commit_callbacks(execute=True):
        Pledge.objects.filter(pk=pledge.pk).delete()
    assert not old.exists()


def test_the_purge_removes_the_logos_of_what_it_erases(
    with_logo, django_capture_on_commit_callbacks
):
    pledge, old = with_logo
    Pledge.objects.filter(pk=pledge.pk).update(
        status=S.WITHDRAWN, withdrawn_at=pledge.submitted_at.replace(year=2020)
    )
    with django_capture_on_commit_callbacks(execute=True):
        call_command("purge_pledges", verbosity=0)
    assert not old.exists()
