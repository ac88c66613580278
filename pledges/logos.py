"""Checking an uploaded logo and re-encoding it, so nothing but pixels is kept; and
reading a stored one back."""

import io
import re
import uuid
import warnings
from datetime import timedelta

from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.utils.crypto import salted_hmac
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


# A logo chosen on a sign-up form that was sent back (a mistake to fix, or the answers to
# check) is kept here, already re-encoded, under a random name, so that nobody has to
# choose it again. The form carries a signed reference to it, bound to the visitor, and
# purge_pledges deletes what was abandoned.
PENDING = "logos/pending/"
PENDING_SALT = "pledges.pending-logo"
PENDING_MAX_AGE = timedelta(days=1)


def keep_pending(image, visitor):
    """Store a re-encoded logo for a form still being filled in; answer its reference."""
    extension = image.name.rsplit(".", 1)[1]
    name = default_storage.save(f"{PENDING}{uuid.uuid4().hex}.{extension}", image)
    return signing.dumps([name.removeprefix(PENDING), _digest(visitor)], salt=PENDING_SALT)


def read_pending(reference, visitor):
    """The stored name a reference from this visitor's form names, or None: forged, another
    visitor's, expired, or gone."""
    try:
        name, digest = signing.loads(
            reference, salt=PENDING_SALT, max_age=PENDING_MAX_AGE.total_seconds()
        )
    except (signing.BadSignature, TypeError, ValueError):
        return None
    if digest != _digest(visitor) or not STORED_NAME.fullmatch(str(name)):
        return None
    return name if default_storage.exists(PENDING + name) else None


def _digest(visitor):
    return salted_hmac(PENDING_SALT, visitor).hexdigest()[:16]


def pending_image(name):
    """A kept logo as a new file, for the pledge to store as its own."""
    with default_storage.open(PENDING + name) as handle:
        return ContentFile(handle.read(), name=f"logo.{name.rsplit('.', 1)[1]}")


def drop_pending(name):
    default_storage.delete(PENDING + name)


def pending_file(name):
    """A kept logo as a response, for the form's thumbnail."""
    try:
        handle = default_storage.open(PENDING + name)
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, content_type=TYPES[name.rsplit(".", 1)[1]])


def purge_pending(now):
    """Delete the kept logos of forms abandoned longer ago than a reference works.
    Answers how many went."""
    try:
        _, names = default_storage.listdir(PENDING)
    except FileNotFoundError:
        return 0
    gone = 0
    for name in names:
        if default_storage.get_modified_time(PENDING + name) < now - PENDING_MAX_AGE:
            default_storage.delete(PENDING + name)
            gone += 1
    return gone
