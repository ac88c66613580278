"""Checking an uploaded logo and re-encoding it, so nothing but pixels is kept; and
reading a stored one back."""

import io
import re
import warnings

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from PIL import Image, UnidentifiedImageError

MAX_BYTES = 2 * 1024 * 1024
MAX_SIDE = 4000
# Stored logos are scaled down to this: the wall and the badge never need more.
STORED_SIDE = 800
FORMATS = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp"}
# Pillow's JPEG decoder reports a JPEG holding several pictures, as many phone cameras
# write, as MPO. It is a JPEG, and its first picture is the photo.
SAME_AS = {"MPO": "JPEG"}
ACCEPTED = "Upload the logo as a PNG, JPEG or WebP image"


def clean_logo(upload):
    """Return the logo re-encoded as a new file, or raise ValidationError saying what to fix."""
    if upload.size > MAX_BYTES:
        raise ValidationError(f"{ACCEPTED} of 2 MB or less.", code="too_big")
    try:
        with warnings.catch_warnings():
            # Pillow warns, then errors, on images large enough to be decompression bombs.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            # Only these decoders run: no exotic format's parser sees the upload.
            image = Image.open(upload, formats=list(FORMATS))
            if SAME_AS.get(image.format, image.format) not in FORMATS:
                raise UnidentifiedImageError(image.format)  # a decoder's other variant
            # The declared size is read from the header, before any pixels are decoded.
            if image.width > MAX_SIDE or image.height > MAX_SIDE:
                raise ValidationError(
                    f"{ACCEPTED} of at most {MAX_SIDE} × {MAX_SIDE} pixels.", code="dimensions"
                )
            image.load()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(
            f"{ACCEPTED} of at most {MAX_SIDE} × {MAX_SIDE} pixels.", code="dimensions"
        ) from None
    except UnidentifiedImageError:
        raise ValidationError(
            f"{ACCEPTED}. Other files, including SVG, are not accepted.", code="format"
        ) from None
    except (OSError, SyntaxError, ValueError):
        raise ValidationError(
            f"This image could not be read: it may be damaged. {ACCEPTED}.", code="damaged"
        ) from None
    return reencode(image)


def reencode(image):
    """Draw the pixels into a fresh file: no metadata, comments or trailing bytes survive."""
    kind = SAME_AS.get(image.format, image.format)
    image.thumbnail((STORED_SIDE, STORED_SIDE))
    if kind == "JPEG":
        image = image.convert("RGB")
    elif image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA")
    out = io.BytesIO()
    options = {"JPEG": {"quality": 88}, "WEBP": {"quality": 88}, "PNG": {"optimize": True}}[kind]
    image.save(out, format=kind, **options)
    return ContentFile(out.getvalue(), name=f"logo.{FORMATS[kind]}")


# What pledges.models.logo_path and reencode write: a random name, one of three types.
STORED_NAME = re.compile(r"[0-9a-f]{32}\.(png|jpg|webp)")
TYPES = {"png": "image/png", "jpg": "image/jpeg", "webp": "image/webp"}


def logo_file(name):
    """The stored logo `name` (the part after logos/) as a response, or Http404.

    Who may see it is for the caller to say: the public only while its pledge is approved.
    """
    if not STORED_NAME.fullmatch(name):
        raise Http404
    try:
        handle = default_storage.open(f"logos/{name}")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, content_type=TYPES[name.rsplit(".", 1)[1]])
