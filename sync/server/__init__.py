"""The central store: an HTTP API over an append-only log of encrypted envelopes.

It stands alone (import-linter forbids it every other layer but `sync.protocol`) and never
imports FastAPI or SQLAlchemy here, so `cli` can tell a user the server extra is missing.

Module map:
  cli, commands     the `yorisoi-server` command: arguments, then what each command does
  serve, tls        the uvicorn launch (loopback rule, certificate); self-signed certificates
  config, logs      where the data dir, database and log file are
  db, schema        engines (SQLite in WAL or PostgreSQL), tables; migrations/ builds them
  ids               random ids, tokens, enrolment codes, the clock
  app, errors       the FastAPI factory, request log and catch-all; error answers
  bodies, models    size-limited body reading, JSON/msgpack parsing; request shapes
  auth, access      token → device, status and role rules; vault checks
  signatures        Ed25519 verification of the protocol's statements
  routes_*, answers the endpoints of docs/sync-protocol.md, and shared answer shapes
  enrolment         codes → devices, the throttle, the bootstrap device's org keys
  devices           /me, the device list, approval
  vaults            registration (single and batch), members
  membership        grants and their markers in the log
  key_store         vault key copies
  log_store         seq allocation under the head lock, push, pull, backfill
  admin             operations behind `yorisoi-server admin`
"""
