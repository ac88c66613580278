"""Spending files between the preview and the import: kept privately, never public.

Staff see what a set of files would do before anything is imported; the files wait
under a random name in the media storage (which serves nothing by itself: see
"Requests, files and logs" in the README), named by a reference signed for the member
of staff who uploaded them, until they confirm or cancel. Any left a day or more are
deleted at the next upload.
"""

import json
import re
import uuid
from datetime import timedelta

from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from campaign.spending.imports import File

PENDING = "spending/pending/"
SALT = "campaign.spending-upload"
MAX_AGE = timedelta(days=1)
BATCH = re.compile(r"[0-9a-f]{32}")


def keep(files, user, publisher):
    """Store the files; answer the signed reference that finds them again, for this
    member of staff and this publisher only."""
    batch = uuid.uuid4().hex
    for index, file in enumerate(files):
        default_storage.save(f"{PENDING}{batch}/{index}", ContentFile(file.data))
    names = json.dumps([file.name for file in files]).encode()
    default_storage.save(f"{PENDING}{batch}/names.json", ContentFile(names))
    return signing.dumps([batch, user.pk, publisher.pk], salt=SALT)


def batch_of(reference, user):
    """(batch, publisher id) of a reference, or None: forged, another's, expired or gone."""
    try:
        batch, owner, publisher = signing.loads(
            reference, salt=SALT, max_age=MAX_AGE.total_seconds()
        )
    except (signing.BadSignature, TypeError, ValueError):
        return None
    if owner != user.pk or not BATCH.fullmatch(str(batch)):
        return None
    if not default_storage.exists(f"{PENDING}{batch}/names.json"):
        return None
    return batch, publisher


def load(batch):
    """The batch's files; FileNotFoundError if another request took them meanwhile."""
    with default_storage.open(f"{PENDING}{batch}/names.json") as handle:
        names = json.loads(handle.read())
    files = []
    for index, name in enumerate(names):
        with default_storage.open(f"{PENDING}{batch}/{index}") as handle:
            files.append(File(name, handle.read()))
    return files


def drop(batch):
    try:
        _, names = default_storage.listdir(f"{PENDING}{batch}")
    except FileNotFoundError:
        return
    for name in names:
        default_storage.delete(f"{PENDING}{batch}/{name}")


def purge(now):
    """Delete what was uploaded and never confirmed nor cancelled. Answers how many batches."""
    try:
        batches, _ = default_storage.listdir(PENDING)
    except FileNotFoundError:
        return 0
    gone = 0
    for batch in batches:
        _, files = default_storage.listdir(f"{PENDING}{batch}")
        if not files:
            continue  # emptied before (a storage may keep the folder)
        # Its first file says when it came (names.json is written last).
        first = f"{PENDING}{batch}/0"
        if not default_storage.exists(first) or (
            default_storage.get_modified_time(first) < now - MAX_AGE
        ):
            drop(batch)
            gone += 1
    return gone
