"""The gate: every envelope received is checked here, in the page's transaction, before merge.

An envelope is admitted whole or refused whole (quarantined with its author and the reason);
the rest of the page merges either way. What is checked, for every operation:

* shape: a known entity, a known field, an operation of the entity's kind (format);
* stamps: one strict form (`storage.hlc.STAMP`), none later than the time the envelope declared
  and its author signed, and that time within the bound of the store's clock as this device
  knows it (stamp);
* place: an operation belongs to its envelope's vault. In a household vault only that household
  and records whose household it is; in a shared vault only the record types of that vault; a
  record already held under another vault is never reached from this one (foreign);
* binding: what ties a record to its household (``household_id``) never changes after creation,
  nor an account's staff record's ``login`` once set (foreign);
* authorship: a worker's device may name as author (``staff_id``, ``recorded_by``) only a staff
  record of its own account, and set a staff record's login only to its own (forged_author); an
  office device may record for others (imports of earlier history name their staff);
* lifecycle: a received step (``case_event``, or a case's ``stage``) goes through the same state
  machine as a local one (the application hands in its rule as ``step_refusal``); an impossible
  step is kept and flagged 要確認, never dropped. (An office device's steps are not re-judged: it
  imports earlier history that no state machine here produced.)

The gate remembers what the admitted envelopes of the page create, so a household and its
members sealed together, or a page that creates a record and changes it, are judged as a whole.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

from storage import flags
from storage.hlc import COUNTER_BITS, COUNTER_MASK, STAMP
from storage.schema import ENTITIES, Entity

_CHUNK = 500
MAX_ID = 64
_STAMP = STAMP.fullmatch
# Every field an operation may name outright, per entity (a map's keys travel as field.key).
_PLAIN = {name: frozenset((*(f for f in e.fields if f not in e.maps), "deleted")) for name, e in ENTITIES.items()}

# (action, from_stage, to_stage, decision_id, reason) -> why the step is impossible, or None.
StepRefusal = Callable[[str, str | None, str | None, str | None, str | None], str | None]


class Refused(Exception):
    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class Signer:
    login: str
    role: str


@dataclass
class Verdicts:
    """The page after the gate: the envelopes admitted (in order), and those refused with why."""

    admitted: list = field(default_factory=list)
    refused: list[tuple[object, str, str]] = field(default_factory=list)


class _Known(NamedTuple):
    vault: str
    household: str | None
    login: str | None = None  # staff records: the account they belong to


class Gate:
    def __init__(self, conn, *, shared_vaults: dict[str, str], signers: dict[str, Signer], bound_ms: int,
                 step_refusal: StepRefusal | None = None) -> None:
        self.conn = conn
        self.shared = {vid: kind for kind, vid in shared_vaults.items()}
        self.signers = signers
        self.bound_ms = bound_ms
        self.step_refusal = step_refusal
        self.known: dict[tuple[str, str], _Known] = {}  # created by the page's admitted envelopes
        self.loaded: dict[str, set[str]] = defaultdict(set)  # entity → ids looked up in the store
        # Entity → id → the stored row (its columns), of every record the page names.
        self.rows: dict[str, dict[str, tuple]] = {}
        self._household_column: dict[str, int] = {}
        self._login_column = ENTITIES["staff"].columns.index("login")
        self.vault_household: dict[str, str] = {}
        self.stages: set[tuple[str, str]] = set()  # (case, stage) some step led to
        self.flags: list[tuple[str | None, str | None, str, str]] = []
        self._stage_changes: list[tuple[str, str, str]] = []  # (household, case, stage) changed by a page

    # -- the page ------------------------------------------------------------------------

    def page(self, received: list) -> Verdicts:
        """Judge every envelope of a page (items with seq, vault, author, ops, stamp_ms), in
        order. Flags for impossible steps are collected; `raise_flags` writes them after merge."""
        self._preload(received)
        verdicts = Verdicts()
        for item in received:
            try:
                staged = self._envelope(item)
            except Refused as refusal:
                verdicts.refused.append((item, refusal.reason, refusal.detail))
                continue
            self._commit(staged)
            verdicts.admitted.append(item)
        self._check_stages()
        return verdicts

    def raise_flags(self) -> int:
        return sum(flags.raise_flag(self.conn, household_id=h, case_id=c, kind=kind, record_id=r)
                   for h, c, kind, r in self.flags)

    # -- one envelope --------------------------------------------------------------------

    def _envelope(self, item) -> dict:
        if not isinstance(item.ops, list):
            raise Refused("format", "not a list of operations")
        declared = item.stamp_ms
        if type(declared) is not int or not 0 <= declared <= self.bound_ms:
            raise Refused("stamp", f"declared time {declared} is beyond this device's bound {self.bound_ms}")
        latest = f"{(declared << COUNTER_BITS) | COUNTER_MASK:016x}"
        signer = self.signers.get(item.author)
        staged = {"known": {}, "vault_household": {}, "stages": set(), "flags": [], "stage_changes": []}
        ops = [self._shape(op, latest) for op in item.ops]
        # A household first: its members may be sealed with it in the same envelope.
        for ent, op, values in sorted(ops, key=lambda o: o[0].household_key != "id"):
            self._place(ent, op, values, item.vault, staged)
            self._authorship(ent, op, values, signer, staged)
            if signer is None or signer.role != "office":
                # An office device may import history that no state machine here produced.
                self._lifecycle(ent, op, values, item.vault, staged)
        return staged

    def _shape(self, op, latest: str) -> tuple[Entity, list, dict]:
        """The operation's entity and the fields it sets; ``latest`` is the hex clock of the
        envelope's declared time with the largest counter (fixed width: text order is numeric)."""
        if type(op) is not list or len(op) != 5 or op[0] not in ("r", "a") or op[1] not in ENTITIES \
                or type(op[2]) is not str or not 0 < len(op[2]) <= MAX_ID:
            raise Refused("format", "malformed operation")
        ent = ENTITIES[op[1]]
        if op[0] == "a":
            if not ent.append_only or type(op[4]) is not dict:
                raise Refused("format", f"{ent.name}: not an append-only record")
            stamps = (op[3],)
            values = op[4]
        else:
            groups = op[3]
            if ent.append_only or type(groups) is not list or not groups:
                raise Refused("format", f"{ent.name}: not a register record")
            values = None
            for group in groups:
                if type(group) is not list or len(group) != 2 or type(group[1]) is not dict:
                    raise Refused("format", f"{ent.name}: malformed field group")
                values = group[1] if values is None else {**values, **group[1]}
            stamps = [g[0] for g in groups] if op[4] is None else [*(g[0] for g in groups), op[4]]
        for stamp in stamps:
            if type(stamp) is not str or _STAMP(stamp) is None:
                raise Refused("stamp", f"{ent.name} {op[2]}: malformed stamp")
            if stamp[:16] > latest:
                raise Refused("stamp", f"{ent.name} {op[2]}: a stamp later than the envelope declared")
        if not _PLAIN[ent.name].issuperset(values):
            for name in values:
                base, _, key = name.partition(".") if type(name) is str else ("", "", "")
                if not (key and base in ent.maps) and name not in _PLAIN[ent.name]:
                    raise Refused("format", f"{ent.name}: unknown field {str(name)[:40]}")
        return ent, op, values

    def _lookup(self, ent: Entity, record_id: str, staged: dict) -> _Known | None:
        key = (ent.name, record_id)
        found = staged["known"].get(key) or self.known.get(key)
        if found is not None:
            return found
        if record_id not in self.loaded[ent.name]:  # not preloaded: a staff author named in a record
            self._load(ent, [record_id])
        row = self.rows.get(ent.name, {}).get(record_id)
        if row is None:
            return None
        return _Known(row[1], row[0] if ent.household_key == "id" else
                      (row[self._household_column[ent.name]] if ent.household_key else None),
                      row[self._login_column] if ent.name == "staff" else None)

    def _place(self, ent: Entity, op: list, values: dict, vault: str, staged: dict) -> None:
        record_id = op[2]
        kind = self.shared.get(vault, "household")
        if ent.vault_kind != kind:
            raise Refused("foreign", f"{ent.name} {record_id} does not belong in a {kind} vault")
        existing = self._lookup(ent, record_id, staged)
        if existing is not None and existing.vault != vault:
            raise Refused("foreign", f"{ent.name} {record_id} belongs to another vault")
        if ent.household_key is None:
            if existing is None:
                staged["known"][(ent.name, record_id)] = _Known(vault, None, values.get("login"))
            if ent.name == "staff" and "login" in values:
                current = existing.login if existing else None
                if current and values["login"] != current:
                    raise Refused("foreign", f"staff {record_id}: its account cannot change")
                if existing is not None:
                    staged["known"][(ent.name, record_id)] = _Known(vault, None, values["login"] or current)
            return
        household = self._household_of(vault, staged)
        if ent.household_key == "id":
            claimed = record_id
        elif existing is not None:
            claimed = existing.household
            if "household_id" in values and values["household_id"] != claimed:
                raise Refused("foreign", f"{ent.name} {record_id}: its household cannot change")
        else:
            claimed = values.get("household_id")
            if not isinstance(claimed, str):
                raise Refused("foreign", f"{ent.name} {record_id}: no household")
        if household is None:
            other = self._lookup(ENTITIES["household"], claimed, staged)
            if other is not None and other.vault != vault:
                raise Refused("foreign", f"{ent.name} {record_id}: household {claimed} is in another vault")
            staged["vault_household"][vault] = claimed
        elif claimed != household:
            raise Refused("foreign", f"{ent.name} {record_id}: household {claimed} is not this vault's")
        if existing is None:
            staged["known"][(ent.name, record_id)] = _Known(vault, claimed)

    def _household_of(self, vault: str, staged: dict) -> str | None:
        return staged["vault_household"].get(vault) or self.vault_household.get(vault)

    def _authorship(self, ent: Entity, op: list, values: dict, signer: Signer | None, staged: dict) -> None:
        if signer is not None and signer.role == "office":
            return
        login = signer.login if signer else None
        if ent.name == "staff" and values.get("login") and values["login"] != login:
            raise Refused("forged_author", f"staff {op[2]}: set to another account")
        for name in ent.author_fields:
            claimed = values.get(name)
            if not claimed:
                continue
            staff = self._lookup(ENTITIES["staff"], claimed, staged) if isinstance(claimed, str) else None
            # A staff record of no account (imported, or the office's list) cannot be forged
            # against anyone; one of another account can.
            if staff is not None and staff.login and staff.login != login:
                raise Refused("forged_author", f"{ent.name} {op[2]}: {name} names another account's staff")

    def _lifecycle(self, ent: Entity, op: list, values: dict, vault: str, staged: dict) -> None:
        if self.step_refusal is None:
            return
        household = self._household_of(vault, staged)
        if ent.name == "case_event":
            case_id = values.get("case_id")
            to_stage = values.get("to_stage")
            if isinstance(case_id, str) and isinstance(to_stage, str):
                staged["stages"].add((case_id, to_stage))
            refusal = self.step_refusal(*(values.get(k) for k in ("action", "from_stage", "to_stage", "decision_id",
                                                                   "reason")))
            if refusal is not None:
                staged["flags"].append((household, case_id if isinstance(case_id, str) else None, "impossible_step",
                                        op[2]))
        elif ent.name == "case" and op[0] == "r" and isinstance(values.get("stage"), str):
            staged["stage_changes"].append((household, op[2], values["stage"]))

    def _commit(self, staged: dict) -> None:
        self.known.update(staged["known"])
        self.vault_household.update(staged["vault_household"])
        self.stages |= staged["stages"]
        self.flags += staged["flags"]
        self._stage_changes += staged["stage_changes"]

    def _check_stages(self) -> None:
        """A case's stage moved by a page must have a step that led there (here, or already held):
        a stage set without one is a step no state machine took."""
        wanted = [(h, c, s) for h, c, s in self._stage_changes if (c, s) not in self.stages]
        if not wanted:
            return
        cases = sorted({c for _, c, _ in wanted})
        held: set[tuple[str, str]] = set()
        for start in range(0, len(cases), _CHUNK):
            chunk = cases[start:start + _CHUNK]
            held.update(self.conn.execute(
                f"SELECT case_id, to_stage FROM case_event WHERE case_id IN ({','.join('?' * len(chunk))})", chunk))
        for household, case_id, stage in wanted:
            if (case_id, stage) not in held:
                self.flags.append((household, case_id, "impossible_step", case_id))

    # -- what is held already ------------------------------------------------------------

    def _preload(self, received: list) -> None:
        """One query per entity for every record the page names, and one for the households of
        its vaults (a first pull is ten thousand envelopes)."""
        ids: dict[str, set[str]] = defaultdict(set)
        for item in received:
            if not isinstance(item.ops, list):
                continue
            for op in item.ops:
                if isinstance(op, list) and len(op) == 5 and op[1] in ENTITIES and isinstance(op[2], str):
                    ids[op[1]].add(op[2])
                    if op[1] in ("contact", "note", "case_event", "consent") and isinstance(op[4], dict):
                        for name in ENTITIES[op[1]].author_fields:
                            if isinstance(op[4].get(name), str):
                                ids["staff"].add(op[4][name])
        for name, wanted in ids.items():
            self._load(ENTITIES[name], list(wanted))
        vaults = sorted({item.vault for item in received if item.vault not in self.shared})
        for start in range(0, len(vaults), _CHUNK):
            chunk = vaults[start:start + _CHUNK]
            self.vault_household.update(self.conn.execute(
                f"SELECT vault_id, id FROM household WHERE vault_id IN ({','.join('?' * len(chunk))})", chunk))

    def _load(self, ent: Entity, ids: list[str]) -> None:
        """Whole rows, kept for merge too (`rows`): the page's records are read once, not twice."""
        cols = ent.columns
        if ent.household_key and ent.household_key != "id":
            self._household_column[ent.name] = cols.index(ent.household_key)
        rows = self.rows.setdefault(ent.name, {})
        self.loaded[ent.name].update(ids)
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start:start + _CHUNK]
            rows.update((row[0], row) for row in self.conn.execute(
                f"SELECT {', '.join(cols)} FROM {ent.table} WHERE id IN ({','.join('?' * len(chunk))})", chunk))
