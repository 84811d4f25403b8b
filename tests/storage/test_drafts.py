from __future__ import annotations

from app import profiles
from tests.conftest import PASSPHRASE


def test_a_draft_survives_closing_the_profile_and_is_not_synced(session, profile_dir):
    session.drafts.save("contact:h1", "contact", {"summary": "途中まで入力"}, household_id="h1")
    session.drafts.save("contact:h1", "contact", {"summary": "途中まで入力した続き"}, household_id="h1")
    changes = session.store.connection().execute("SELECT count(*) FROM change").fetchone()[0]
    session.close()
    again = profiles.unlock(profile_dir, PASSPHRASE)
    try:
        draft = again.drafts.load("contact:h1")
        assert draft.payload == {"summary": "途中まで入力した続き"} and draft.household_id == "h1"
        assert again.store.connection().execute("SELECT count(*) FROM change").fetchone()[0] == changes
        again.drafts.discard("contact:h1")
        assert again.drafts.load("contact:h1") is None
    finally:
        again.close()
