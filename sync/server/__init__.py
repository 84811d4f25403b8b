"""The central store (arrives with the sync issue)."""
