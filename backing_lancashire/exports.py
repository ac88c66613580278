"""Whole downloads made once per public version, and kept as files in the media storage.

The open data of 100,000 signatories is tens of megabytes and seconds of database work,
and it changes only when the public version moves. The first request after a change
writes the file and is served from it; so is every later one, from any process or
server sharing MEDIA_ROOT, a chunk at a time.
"""

import tempfile

from django.core.cache import cache
from django.core.files import File
from django.core.files.storage import default_storage

from backing_lancashire import freshness

FOLDER = "exports"
# Long enough to write the largest export; a process that dies while writing holds
# the others back no longer than this.
WRITING = 300
# Moves on whenever what the files hold changes shape, so a file an older release
# wrote for the same public version is never served as the new one.
LAYOUT = 4  # 4: what each signatory supplies


def stored(name, chunks):
    """The export `name` (such as "signatories.csv") of the current public version,
    opened for reading; or None when it cannot be had from a file just now (the cache
    is unreachable, or another request is writing it), and the caller streams
    `chunks()` itself, as fresh as the database."""
    version = freshness.version()
    if version is None:
        return None
    key = f"export:{LAYOUT}:{version}:{name}"
    path = cache.get(key)
    if path:
        try:
            return default_storage.open(path)
        except FileNotFoundError:
            pass  # removed since: written again below
    if not cache.add(f"{key}:writing", True, WRITING):
        return None
    try:
        path = _write(name, version, chunks())
        # Kept for a day: by then a busy site has moved on, and a quiet one writes it again.
        cache.set(key, path, 86_400)
    finally:
        cache.delete(f"{key}:writing")
    try:
        handle = default_storage.open(path)
    except FileNotFoundError:
        # Another process wrote a newer version a moment ago, and removed this one:
        # the caller streams this download from the database instead.
        handle = None
    _remove_older(name, path)
    return handle


def _write(name, version, chunks):
    stem, kind = name.rsplit(".", 1)
    with tempfile.TemporaryFile() as scratch:
        for chunk in chunks:
            scratch.write(chunk.encode() if isinstance(chunk, str) else chunk)
        scratch.seek(0)
        # Written under its own name, never over a file someone may be reading.
        return default_storage.save(f"{FOLDER}/{stem}-{version}.{kind}", File(scratch))


def _remove_older(name, keep):
    """Delete this export's files of other versions (a download under way keeps reading
    the file it opened)."""
    stem, kind = name.rsplit(".", 1)
    try:
        _, files = default_storage.listdir(FOLDER)
    except FileNotFoundError:  # nothing written yet, or the folder cleared meanwhile
        return
    for file in files:
        path = f"{FOLDER}/{file}"
        if file.startswith(f"{stem}-") and file.endswith(f".{kind}") and path != keep:
            default_storage.delete(path)
