"""Opening the profile a command names."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from pathlib import Path

from app import profiles
from app.session import Session
from storage.errors import UnlockThrottled
from ui.cli import passphrase


def folder_of(args) -> Path:
    return Path(args.profile) if args.profile else profiles.default_folder()


@contextlib.contextmanager
def opened(args) -> Iterator[Session]:
    folder = folder_of(args)
    if not profiles.exists(folder):
        from storage.errors import ProfileNotFound

        raise ProfileNotFound(str(folder))
    secret = passphrase.read()
    try:
        session = profiles.unlock(folder, secret)
    except UnlockThrottled as exc:
        # A person at the keyboard waits out a short back-off rather than being turned away.
        if exc.wait_seconds > 10:
            raise
        time.sleep(exc.wait_seconds)
        session = profiles.unlock(folder, secret)
    try:
        yield session
    finally:
        session.close()
