"""The device side of sync (arrives with the sync issue)."""
