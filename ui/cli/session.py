"""Opening the profile a command names."""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from app import checks, profiles
from app.session import Session
from storage.errors import DamagedPages, UnlockThrottled
from storage.integrity import is_damage
from ui.cli import passphrase


def folder_of(args) -> Path:
    return Path(args.profile) if args.profile else profiles.default_folder()


@contextlib.contextmanager
def opened(args, *, verify: bool = True) -> Iterator[Session]:
    """The unlocked profile. With ``verify`` every page's HMAC is checked first (≈ 1 ms per
    MB), so a command never works on a damaged profile and reports only what it happened to
    read; `check` passes False and reports the damage itself."""
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
        if verify:
            checks.require_intact(session)
        if session.store.index.notice:
            print(f"yorisoi: {session.store.index.notice}", file=sys.stderr)
        if getattr(args, "household", None):
            # --household takes the household's id or its 元の番号 from an imported file.
            args.household = session.households.resolve(args.household)
        yield session
    except Exception as exc:
        if is_damage(exc):
            raise DamagedPages(str(session.store.path), 1) from None
        raise
    finally:
        session.close()
