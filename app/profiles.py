"""Creating, unlocking and re-keying profiles, with the passphrase rules users see."""

from __future__ import annotations

from pathlib import Path

from app.errors import InvalidInput
from app.session import OWNER_KEY, Session
from storage import profile as storage_profile
from storage.keyfile import KdfParams

MIN_PASSPHRASE = 8


def check_passphrase(passphrase: str) -> None:
    if len(passphrase) < MIN_PASSPHRASE:
        raise InvalidInput(f"パスフレーズは{MIN_PASSPHRASE}文字以上にしてください。", "passphrase")
    if passphrase.strip() != passphrase:
        raise InvalidInput("パスフレーズの先頭と末尾に空白は使えません。", "passphrase")


def default_folder() -> Path:
    return storage_profile.default_folder()


def create(folder: Path, passphrase: str, *, owner_name: str | None = None, kdf: KdfParams | None = None,
           city_name: str | None = None) -> Session:
    """A new profile; ``city_name`` is printed on every form (it can be set later too)."""
    check_passphrase(passphrase)
    profile = storage_profile.create_profile(Path(folder), passphrase, kdf=kdf)
    session = Session(profile)
    staff = session.directory.add_staff(owner_name or "この端末の利用者")
    session.store.set_meta(OWNER_KEY, staff.id)
    if city_name:
        from app import form_settings

        form_settings.put(session, "city_name", city_name)
    return session


def unlock(folder: Path, passphrase: str) -> Session:
    return Session(storage_profile.open_profile(Path(folder), passphrase))


def change_passphrase(folder: Path, old: str, new: str) -> None:
    check_passphrase(new)
    profile = storage_profile.open_profile(Path(folder), old)
    try:
        profile.change_passphrase(new)
    finally:
        profile.close()


def verify_passphrase(folder: Path, passphrase: str) -> None:
    """Check a passphrase without opening the database (the lock screen). Raises
    WrongPassphrase / UnlockThrottled, with the same back-off as opening."""
    storage_profile.unlock_key(Path(folder), passphrase)


def exists(folder: Path) -> bool:
    return storage_profile.is_profile(Path(folder))
