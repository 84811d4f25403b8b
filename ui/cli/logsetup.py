"""The event log: what happened and how long it took, never whose data.

Log records carry command names, counts, durations and error types. Messages of exceptions
are not logged (they may quote a name or an address); tracebacks are replaced by the
exception type. The log lives in the profile's ``logs/`` folder.
"""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path


class _NoDetail(logging.Formatter):
    def formatException(self, ei) -> str:  # noqa: N802 - logging's name
        return f"{ei[0].__name__ if ei and ei[0] else 'Exception'} (details withheld)"


def configure(profile: str | None) -> None:
    logger = logging.getLogger("yorisoi")
    logger.setLevel(logging.INFO)
    logger.propagate = False
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
        handler.close()
    if not profile:
        logger.addHandler(logging.NullHandler())
        return
    folder = Path(profile) / "logs"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(folder / "yorisoi.log", maxBytes=1_000_000, backupCount=3,
                                                       encoding="utf-8")
    except OSError:
        logger.addHandler(logging.NullHandler())
        return
    try:
        (folder / "yorisoi.log").chmod(0o600)
    except OSError:
        pass
    handler.setFormatter(_NoDetail("%(asctime)s %(levelname)s %(message)s"))
    logger.addHandler(handler)
