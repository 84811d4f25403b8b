"""The central store's tables (SQLAlchemy Core). migrations/ creates exactly these; a test
compares the two, so a change here needs a new migration.

Times are integer milliseconds since the epoch, as in the protocol. Ids are strings of
protocol.ID_PATTERN. Secrets (tokens, enrolment codes) are kept only as SHA-256 hex."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    UniqueConstraint,
    text,
)

# Named constraints so that migrations can refer to them on both databases.
metadata = MetaData(naming_convention={
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
})

# SQLite autoincrements only an INTEGER PRIMARY KEY (the rowid); PostgreSQL wants 64 bits.
AutoId = BigInteger().with_variant(Integer(), "sqlite")
Id = String(64)
Ms = BigInteger

org = Table(
    "org", metadata,
    Column("id", Id, primary_key=True),
    Column("name", String(100), nullable=False, unique=True),
    # Null until the bootstrap device posts them (POST /v1/org/keys).
    Column("sign_public", LargeBinary, nullable=True),
    Column("box_public", LargeBinary, nullable=True),
    Column("keys_signature", LargeBinary, nullable=True),
    Column("created_ms", Ms, nullable=False),
    # Moves whenever a device may newly lack a key copy (a device approved, a member added, a
    # vault registered): devices ask GET /v1/keys/needed only when it moved (GET /v1/me).
    Column("keys_epoch", BigInteger, nullable=False, server_default="0"),
)

# "user" is reserved in PostgreSQL, hence "account".
account = Table(
    "account", metadata,
    Column("id", Id, primary_key=True),
    Column("org_id", Id, ForeignKey("org.id"), nullable=False),
    Column("login", String(64), nullable=False),
    Column("role", String(16), nullable=False),
    Column("created_ms", Ms, nullable=False),
    UniqueConstraint("org_id", "login"),
)

enrol_code = Table(
    "enrol_code", metadata,
    Column("id", AutoId, primary_key=True, autoincrement=True),
    Column("code_hash", String(64), nullable=False, unique=True),
    Column("account_id", Id, ForeignKey("account.id"), nullable=False),
    Column("kind", String(16), nullable=False),  # 'bootstrap' (from create-org) or 'device'
    Column("created_ms", Ms, nullable=False),
    Column("expires_ms", Ms, nullable=False),
    Column("used_ms", Ms, nullable=True),
    Column("device_id", Id, nullable=True),
)

# Failed enrolment attempts per client address, in the database so that several API nodes
# behind a load balancer share one throttle.
enrol_failure = Table(
    "enrol_failure", metadata,
    Column("id", AutoId, primary_key=True, autoincrement=True),
    Column("address", String(100), nullable=False),
    Column("at_ms", Ms, nullable=False),
    # Hashes, not the values: of the first group of the code tried, and of the device name sent.
    Column("code_key", String(64), nullable=True),
    Column("name_key", String(64), nullable=True),
    Index(None, "address", "at_ms"),
    Index(None, "code_key", "at_ms"),
    Index(None, "name_key", "at_ms"),
)

device = Table(
    "device", metadata,
    Column("id", Id, primary_key=True),
    Column("account_id", Id, ForeignKey("account.id"), nullable=False, index=True),
    Column("name", String(100), nullable=False),
    Column("box_public", LargeBinary, nullable=False),
    Column("sign_public", LargeBinary, nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("status", String(16), nullable=False),  # protocol.DEVICE_STATUSES
    Column("bootstrap", Boolean, nullable=False),  # enrolled with the org's bootstrap code
    Column("signature", LargeBinary, nullable=True),  # the org's signature of device_statement
    Column("created_ms", Ms, nullable=False),
    Column("approved_ms", Ms, nullable=True),
    Column("revoked_ms", Ms, nullable=True),
    Column("last_seen_ms", Ms, nullable=True),
    # The org's signature of revocation_statement: relayed to every device, which checks it.
    Column("revocation", LargeBinary, nullable=True),
    # What the device last said it had not sent (numbers only: how many changes, their span).
    Column("unsent_count", BigInteger, nullable=True),
    Column("unsent_oldest_ms", Ms, nullable=True),
    Column("unsent_newest_ms", Ms, nullable=True),
    Column("unsent_reported_ms", Ms, nullable=True),
)

vault = Table(
    "vault", metadata,
    Column("id", Id, primary_key=True),
    Column("org_id", Id, ForeignKey("org.id"), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("key_version", Integer, nullable=False),
    Column("created_by", Id, ForeignKey("device.id"), nullable=False),
    Column("created_ms", Ms, nullable=False),
    # One vault of each shared kind per org; the database enforces it against racing creators.
    Index("ux_vault_shared_kind", "org_id", "kind", unique=True,
          sqlite_where=text("kind <> 'household'"), postgresql_where=text("kind <> 'household'")),
)

# A membership row stays when it ends (removed_ms set), so a later re-grant updates it and
# the grant marker it points to is always the current one.
vault_member = Table(
    "vault_member", metadata,
    Column("vault_id", Id, ForeignKey("vault.id"), primary_key=True),
    Column("account_id", Id, ForeignKey("account.id"), primary_key=True, index=True),
    Column("granted_seq", BigInteger, nullable=False),
    Column("removed_ms", Ms, nullable=True),
)

vault_key = Table(
    "vault_key", metadata,
    Column("id", AutoId, primary_key=True, autoincrement=True),  # the `after` cursor of GET /v1/keys
    Column("vault_id", Id, ForeignKey("vault.id"), nullable=False),
    Column("key_version", Integer, nullable=False),
    Column("recipient", Id, nullable=False),  # a device id or "recovery"
    Column("wrapped", LargeBinary, nullable=False),
    Column("wrapped_by", Id, ForeignKey("device.id"), nullable=False),  # the sender of the key agreement
    Column("created_ms", Ms, nullable=False),
    # One copy per sender: a copy planted by one member cannot keep a recipient from another's.
    UniqueConstraint("vault_id", "key_version", "recipient", "wrapped_by"),
    Index(None, "recipient", "id"),
    # Ids are never reused (a copy replaced or reported bad is deleted; its successor must come
    # after every recipient's cursor). PostgreSQL's sequence never goes back anyway.
    sqlite_autoincrement=True,
)

# Each key version of a vault: the commitment to its key, signed by the device that made it
# (protocol.key_version_statement). A recipient checks every copy it opens against it.
vault_key_version = Table(
    "vault_key_version", metadata,
    Column("vault_id", Id, ForeignKey("vault.id"), primary_key=True),
    Column("key_version", Integer, primary_key=True),
    Column("commitment", LargeBinary, nullable=False),
    Column("made_by", Id, ForeignKey("device.id"), nullable=False),
    Column("signature", LargeBinary, nullable=False),
    Column("created_ms", Ms, nullable=False),
)

# Signed statements about vaults, relayed to devices (GET /v1/membership): a vault's creation
# (signed by its creator device) and the organisation's grants and removals. Membership on the
# store follows them; devices check them before wrapping a key for anyone.
vault_statement = Table(
    "vault_statement", metadata,
    Column("id", AutoId, primary_key=True, autoincrement=True),  # the `after` cursor
    Column("vault_id", Id, ForeignKey("vault.id"), nullable=False),
    Column("action", String(8), nullable=False),  # create | grant | remove
    Column("account_id", Id, ForeignKey("account.id"), nullable=True),  # grant, remove
    Column("serial", BigInteger, nullable=False),  # 0 for create
    Column("device_id", Id, ForeignKey("device.id"), nullable=False),  # who signed (create) or issued
    Column("signature", LargeBinary, nullable=False),
    Column("created_ms", Ms, nullable=False),
    Index(None, "vault_id", "account_id"),
    Index(None, "account_id", "id"),
)

# The log: envelopes ('env') and grant markers ('grant'), numbered by seq in commit order.
log = Table(
    "log", metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("vault_id", Id, ForeignKey("vault.id"), nullable=False),
    Column("kind", String(8), nullable=False),
    Column("env_id", Id, nullable=True),
    Column("kv", Integer, nullable=True),
    Column("device_id", Id, nullable=True),
    Column("nonce", LargeBinary, nullable=True),
    Column("body", LargeBinary, nullable=True),
    Column("sig", LargeBinary, nullable=True),
    # SHA-256 of the envelope's signed statement: what "the same content" means for a retry.
    Column("digest", LargeBinary, nullable=True),
    Column("size", Integer, nullable=False),  # bytes of body, to cut answers without loading them
    # env: the physical ms of the latest stamp inside, as signed by its author (bounded at push).
    Column("stamp_ms", Ms, nullable=True),
    Column("account_id", Id, nullable=True),  # grant: who joined
    Column("count", BigInteger, nullable=True),  # grant: envelopes the vault held before it
    Column("created_ms", Ms, nullable=False),
    # protocol.log_link over the chain before and this entry: what devices remember and check.
    Column("chain", LargeBinary, nullable=False),
    UniqueConstraint("vault_id", "env_id"),
    Index(None, "vault_id", "seq"),
)

# One row (id 1): the last seq handed out. Every writer of the log updates it first, so
# writers queue on this row and commit their seqs in order.
log_head = Table(
    "log_head", metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("seq", BigInteger, nullable=False),
    # The chain at seq, and the log's incarnation: random when the log is created, so a device
    # meeting another epoch knows it faces another log (a new database, another store).
    Column("chain", LargeBinary, nullable=False),
    Column("epoch", String(32), nullable=False),
)

# Truncation order for tests and a reset: children first.
# A certificate of the store an organisation's key signed (protocol.server_cert_statement):
# served to any device whose pinned certificate changed, which re-pins only a signed one.
server_cert = Table(
    "server_cert", metadata,
    Column("org_id", Id, ForeignKey("org.id"), primary_key=True),
    Column("cert_sha256", LargeBinary, primary_key=True),
    Column("signature", LargeBinary, nullable=False),
    Column("signed_by", Id, nullable=False),  # the office device that uploaded it
    Column("created_ms", Ms, nullable=False),
)

TABLES = (server_cert, log, vault_statement, vault_key_version, vault_key, vault_member, vault, enrol_code,
          enrol_failure, device, account, org)
