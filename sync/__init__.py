"""Sync: `client/` is the device's engine, `server/` the central store (which stands alone)."""
