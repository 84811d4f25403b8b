"""The central store: an HTTP API over an append-only log of encrypted envelopes.

It stands alone (import-linter forbids it every other layer but `sync.protocol`) and never
imports FastAPI or SQLAlchemy here, so `cli` can tell a user the server extra is missing.

Module map:
  cli, serve        the `yorisoi-server` command and the uvicorn launch (TLS, loopback rule)
  config, logs      where the data dir, database and log file are
  db, schema        engines (SQLite in WAL or PostgreSQL), tables; migrations/ builds them
  ids               random ids, tokens, enrolment codes, the clock
  app, errors       the FastAPI factory, error answers, request log, catch-all
  bodies, models    size-limited body reading, JSON/msgpack parsing, request shapes
  auth, access      token → device; role and vault checks
  signatures        Ed25519 verification of the protocol's statements
  routes_*          the endpoints of docs/sync-protocol.md
  log_store         seq allocation under the head lock, push, pull, backfill
  membership        vault members and their grant markers
  key_store         wrapped vault keys
  admin, tls        operations behind the admin commands; self-signed certificates
"""
