"""Child process for test_crash: writes contacts in a loop, printing each committed number."""

from __future__ import annotations

import sys

from app import profiles


def main(folder: str, passphrase: str, start: int) -> None:
    session = profiles.unlock(folder, passphrase)
    household = session.households.rows()[0].id
    print("ready", flush=True)
    n = start
    while True:
        session.contacts.log_contact(household, kind="phone", outcome="met", summary=f"crash-{n}",
                                     body="長めの本文。" * 20)
        print(n, flush=True)  # only after the commit returned
        n += 1


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
