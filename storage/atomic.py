"""Atomic file writes: a reader sees the old file or the new one, never half of either.

The temporary file is created beside the target (same file system, so ``os.replace`` is
atomic), with owner-only permissions set before any byte is written, fsynced, then moved.
If anything fails the temporary file is removed, so nothing is left behind.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO


@contextlib.contextmanager
def atomic_writer(target: str | os.PathLike[str], mode: str = "wb") -> Iterator[IO]:
    target = Path(target)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        os.fchmod(fd, 0o600)
        encoding = None if "b" in mode else "utf-8"
        with os.fdopen(fd, mode, encoding=encoding) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
        _fsync_dir(target.parent)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def write_bytes(target: str | os.PathLike[str], data: bytes) -> None:
    with atomic_writer(target, "wb") as handle:
        handle.write(data)


def _fsync_dir(path: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
