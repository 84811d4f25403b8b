"""The server's log file, DIR/logs/server.log.

What goes in: method, route template, status, duration, device id, and startup facts. What
never goes in: bodies, tokens, enrolment codes, query strings, exception messages (they can
quote values). WatchedFileHandler lets logrotate move the file under a running server, and
several uvicorn workers may append to it at once."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

LOGGER = "yorisoi.server"
FORMAT = "%(asctime)s %(levelname)s %(process)d %(name)s %(message)s"


def log_path(data: Path) -> Path:
    return data / "logs" / "server.log"


def file_handler(data: Path) -> logging.Handler:
    path = log_path(data)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    handler = logging.handlers.WatchedFileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter(FORMAT))
    return handler


def setup(data: Path) -> None:
    """Send our logger to the file (idempotent: uvicorn's log config may have done it)."""
    target = str(log_path(data))
    logger = logging.getLogger(LOGGER)
    logger.setLevel(logging.INFO)
    if not any(getattr(h, "baseFilename", None) == target for h in logger.handlers):
        logger.addHandler(file_handler(data))


def uvicorn_log_config(data: Path) -> dict:
    """uvicorn's own logging: errors and startup to the file and the console; its access log
    is off (our request log replaces it, with route templates instead of raw paths)."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"plain": {"format": FORMAT}},
        "handlers": {
            "file": {"class": "logging.handlers.WatchedFileHandler", "filename": str(log_path(data)),
                     "encoding": "utf-8", "formatter": "plain"},
            "console": {"class": "logging.StreamHandler", "formatter": "plain", "stream": "ext://sys.stderr"},
        },
        "loggers": {
            "uvicorn": {"handlers": ["file", "console"], "level": "INFO", "propagate": False},
            "uvicorn.error": {"level": "INFO"},
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
            LOGGER: {"handlers": ["file"], "level": "INFO", "propagate": False},
        },
    }
