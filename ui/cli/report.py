"""How the command line reports an error: one clear message, the right exit code."""

from __future__ import annotations

import logging
import sys

from app.errors import AppError, InvalidInput, Refused, describe
from storage.errors import DamagedProfile, ProfileExists, ProfileNotFound, UnlockThrottled, WrongPassphrase
from storage.integrity import is_damage
from sync.client.enrolment import AlreadyEnrolled, NotOffice, UnknownDevice
from sync.client.errors import NotEnrolled, ServerRefused
from ui.cli.passphrase import NoPassphrase

REFUSALS = (AppError, InvalidInput, Refused, WrongPassphrase, UnlockThrottled, ProfileExists, ProfileNotFound,
            DamagedProfile, NoPassphrase, ServerRefused, AlreadyEnrolled, NotOffice, UnknownDevice, NotEnrolled)


def fail(exc: BaseException) -> int:
    message = str(exc) if isinstance(exc, NoPassphrase) else describe(exc)
    print(f"yorisoi: {message}", file=sys.stderr)
    if isinstance(exc, REFUSALS) or is_damage(exc):
        logging.getLogger("yorisoi").info("refused: %s", type(exc).__name__)
        return 2
    # Only the type and where it happened: exception messages may quote personal data.
    logging.getLogger("yorisoi").error("failed: %s", type(exc).__name__, exc_info=False)
    return 1


def say(text: str) -> None:
    print(text)
