"""Import JSON Lines, all or nothing.

Every line is checked first (JSON, type, id, fields, codes, dates, references, household
consistency, append-only records already stored differently) against the same rules as the
window (app/validate.py: dates from 明治 on, no birth date after today, nothing that happened
more than a day ahead, no name made of spaces), and every problem of the file is reported at
once, by line number, so a file is fixed in one pass; nothing is written. A station the file
would create is named, and created only when asked (``new_stations``, `--new-stations`): a
misspelt station must not become a new one. Then the whole file is written in one transaction,
captured for sync like any other change.

A file's ids are mapped to record ids of their own and kept as 元の番号 (app/interchange/ids.py).
Re-importing the same file changes nothing: register records are updated field by field, and
an append-only record that is already there unchanged is skipped.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from app import validate
from app.errors import InvalidInput
from app.interchange.ids import EXPORT_HEADER, IdMap
from app.interchange.spec import BY_TYPE, ORDER, TYPES, FieldSpec, TypeSpec
from app.session import Session
from app.vocab import Labelled
from storage.records import new_id
from storage.schema import entity as entity_named

MAX_ID = 100
MAX_ERRORS = 50
APPEND_ONLY = {t.type for t in TYPES if entity_named(t.entity).append_only}
_CONFLICT = ("{type} の id「{id}」はすでに別の内容で記録されています"
             "（接触記録・記録は書き換えられません。訂正は amends で新しい行として）。")


class ImportError_(Exception):  # noqa: N801 - "ImportError" is a builtin
    """The file was refused; ``problems`` are (line number, reason) pairs; ``new_stations``
    the stations it would create (refused only for want of `new_stations`)."""

    def __init__(self, problems: list[tuple[int, str]], new_stations: list[str] | None = None) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems
        self.new_stations = new_stations or []

    def message(self) -> str:
        lines = [f"{n}行目: {reason}" if n else reason for n, reason in self.problems]
        total = getattr(self.problems, "total", len(self.problems))
        head = f"取り込みを中止しました（何も取り込んでいません）。問題は {total} 件です"
        head += f"（最初の {len(self.problems)} 件を表示します）。" if total > len(self.problems) else "。"
        return head + "\n" + "\n".join(lines)


@dataclass
class ImportReport:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    source: str | None = None  # None: an export, whose ids were kept
    new_stations: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.created.values()) + sum(self.updated.values()) + sum(self.unchanged.values())

    @property
    def changed_nothing(self) -> bool:
        """The same file was imported before: every line is already there as it is."""
        return self.total > 0 and not self.created and not self.updated


@dataclass
class Line:
    number: int
    spec: TypeSpec
    id: str  # as the file has it
    values: dict  # the fields that were readable (all of them when ``ok``); references mapped
    ok: bool = True
    record_id: str = ""  # the record it writes (app/interchange/ids.py)
    written: dict = field(default_factory=dict)  # references as the file wrote them, for messages


class _Problems(list):
    """(line, reason) pairs in line order, at most MAX_ERRORS of them; ``total`` counts all."""

    total = 0

    def add(self, number: int, reason: str) -> None:
        self.total += 1
        self.append((number, reason))
        self.sort(key=lambda problem: problem[0])
        del self[MAX_ERRORS:]


def import_file(session: Session, path: Path, *, source: str | None = None,
                new_stations: bool = False) -> ImportReport:
    """``source`` names where the file's ids come from (default: the file's name)."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise ImportError_([(0, f"ファイルを読めません: {exc.strerror or exc}")]) from None
    return import_lines(session, data.splitlines(), source=source or Path(path).name, new_stations=new_stations)


def import_lines(session: Session, raw_lines: list[bytes] | list[str], *, source: str = "import",
                 new_stations: bool = False) -> ImportReport:
    problems = _Problems()
    source = " ".join(str(source).split())[:MAX_ID] or "import"
    lines, exported = _parse(raw_lines, problems)
    idmap = _map_ids(session, lines, None if exported else source)
    # Checked even when some lines had field problems, so every problem is reported in one run.
    _check_references(session, lines, problems, idmap)
    creates = _stations_to_create(session, lines)
    if creates and not new_stations:
        for name, numbers in creates.items():
            problems.add(numbers[0], f"ステーション「{name}」はまだありません（{'、'.join(f'{n}行目' for n in numbers[:10])}）。"
                                     "名前の誤りでなければ、--new-stations を付けると新しく作ります。")
    if problems:
        raise ImportError_(problems, new_stations=list(creates) if creates else None)
    return _write(session, lines, idmap, list(creates))


# -- parsing and checking each line -------------------------------------------------------------

def _parse(raw_lines, problems: _Problems) -> tuple[list[Line], bool]:
    """The lines, and whether the file is a yorisoi export (its first line says so)."""
    lines: list[Line] = []
    seen: dict[tuple[str, str], int] = {}
    exported = False
    first = True
    for number, raw in enumerate(raw_lines, start=1):
        if isinstance(raw, bytes):
            try:
                raw = raw.decode("utf-8")
            except UnicodeDecodeError:
                problems.add(number, "UTF-8 の文字として読めません。")
                continue
        if number == 1:
            raw = raw.lstrip("\ufeff")
        if not raw.strip():
            continue
        try:
            doc = json.loads(raw)
        except json.JSONDecodeError as exc:
            problems.add(number, f"JSON として読めません（{exc.msg}、{exc.colno}文字目）。")
            continue
        if not isinstance(doc, dict):
            problems.add(number, "1行に1つの JSON オブジェクト（{…}）を書いてください。")
            continue
        kind = doc.pop("type", None)
        if kind == EXPORT_HEADER and first:
            exported, first = True, False
            continue
        first = False
        spec = BY_TYPE.get(kind) if isinstance(kind, str) else None
        if spec is None:
            problems.add(number, f"type「{kind}」は使えません（{', '.join(BY_TYPE)}）。")
            continue
        record_id = doc.pop("id", None)
        if not isinstance(record_id, str) or not record_id.strip() or len(record_id) > MAX_ID or not record_id.isprintable():
            problems.add(number, f"id は空でない{MAX_ID}文字以内の文字列にしてください。")
            continue
        if (spec.type, record_id) in seen:
            problems.add(number, f"{spec.type} の id「{record_id}」は {seen[(spec.type, record_id)]}行目と重複しています。")
            continue
        seen[(spec.type, record_id)] = number
        values, ok = _check_fields(number, spec, doc, problems)
        lines.append(Line(number, spec, record_id, values, ok))
    return lines, exported


def _check_fields(number: int, spec: TypeSpec, doc: dict, problems: _Problems) -> tuple[dict, bool]:
    ok = True
    unknown = [k for k in doc if spec.field(k) is None]
    if unknown:
        problems.add(number, f"{spec.type} に項目「{'、'.join(unknown)}」はありません。")
        ok = False
    values = {}
    for fs in spec.fields:
        value = doc.get(fs.name)
        if value is None or value == "":
            if fs.required:
                problems.add(number, f"{spec.type} の必須項目 {fs.name} がありません。")
                ok = False
            continue
        try:
            values[fs.name] = _apply_rule(fs, _convert(fs, value))
        except ValueError as exc:
            problems.add(number, f"{fs.name}: {exc}")
            ok = False
    return values, ok


def _apply_rule(fs: FieldSpec, value):
    """The window's rules (app/validate.py), worded for a line of the file."""
    try:
        if fs.kind == "date":
            day = validate.in_range(dt.date.fromisoformat(value), fs.name)
            if fs.rule == "birth":
                validate.not_after_today(value, "生年月日")
            elif fs.rule == "happened":
                validate.happened(dt.datetime.combine(day, dt.time()).astimezone(), fs.name)
        elif fs.kind == "datetime":
            validate.happened(dt.datetime.fromisoformat(value), fs.name)
        elif fs.rule == "name" and not value.strip():
            raise ValueError("空白だけの名前は使えません。")
    except InvalidInput as exc:
        raise ValueError(exc.message.removeprefix(f"{fs.name}: ")) from None
    return value.strip() if fs.rule == "name" else value


def _convert(fs: FieldSpec, value):
    kind = fs.kind
    if kind in ("text", "station", "ref"):
        if not isinstance(value, str):
            raise ValueError("文字列で書いてください。")
        return value
    if kind == "date":
        if not isinstance(value, str):
            raise ValueError("日付は \"YYYY-MM-DD\" の文字列で書いてください。")
        try:
            return dt.date.fromisoformat(value).isoformat()
        except ValueError:
            raise ValueError(f"「{value}」は日付（YYYY-MM-DD）ではありません。") from None
    if kind == "datetime":
        try:
            parsed = dt.datetime.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            parsed = None
        if parsed is None:
            raise ValueError(f"「{value}」は ISO 8601 の日時ではありません（例: 2025-04-01T10:30:00+09:00）。")
        if parsed.tzinfo is None:
            raise ValueError(f"「{value}」に時差（+09:00 など）がありません。")
        return parsed.isoformat()
    if kind == "bool":
        if not isinstance(value, bool):
            raise ValueError("true か false で書いてください。")
        return int(value)
    if kind == "int":
        if not isinstance(value, int) or isinstance(value, bool):
            raise ValueError("整数で書いてください。")
        return value
    if kind == "list":
        if not isinstance(value, list):
            raise ValueError("配列（[…]）で書いてください。")
        return value
    if kind == "dict":
        if not isinstance(value, dict):
            raise ValueError("オブジェクト（{…}）で書いてください。")
        return value
    if kind == "code":
        codes = fs.codes
        if isinstance(codes, type) and issubclass(codes, Labelled):
            try:
                return codes.parse(str(value)).value
            except ValueError:
                allowed = ", ".join(m.value for m in codes)
        else:
            if value in codes:
                return value
            allowed = ", ".join(codes)
        raise ValueError(f"「{value}」は使えません（{allowed}）。")
    raise AssertionError(kind)


def _refs(line: Line):
    """(field, referenced type, value) of every reference a line makes (lists item by item)."""
    for fs in line.spec.fields:
        if fs.ref is None or fs.name not in line.values:
            continue
        value = line.values[fs.name]
        for item in (value if isinstance(value, list) else [value]):
            if isinstance(item, str):
                yield fs, item


def _map_ids(session: Session, lines: list[Line], source: str | None) -> IdMap:
    """Give every line its record id and point its references at record ids."""
    wanted: dict[str, set[str]] = defaultdict(set)
    in_file: dict[str, set[str]] = defaultdict(set)
    for line in lines:
        wanted[line.spec.type].add(line.id)
        in_file[line.spec.type].add(line.id)
        for fs, item in _refs(line):
            wanted[fs.ref].add(item)
    idmap = IdMap(session.store.read(), organisation=session.vault("directory"), source=source, wanted=wanted,
                  in_file=in_file)
    for line in lines:
        line.record_id = idmap.record_id(line.spec.type, line.id)
        for fs in line.spec.fields:
            if fs.ref is None or fs.name not in line.values:
                continue
            value = line.values[fs.name]
            line.written[fs.name] = value
            if isinstance(value, list):
                line.values[fs.name] = [idmap.reference(fs.ref, v) if isinstance(v, str) else v for v in value]
            else:
                line.values[fs.name] = idmap.reference(fs.ref, value)
    return idmap


def _check_references(session: Session, lines: list[Line], problems: _Problems, idmap: IdMap) -> None:
    records = session.store.read()
    in_file: dict[str, dict[str, Line]] = defaultdict(dict)
    for line in lines:
        in_file[line.spec.type][line.record_id] = line
    wanted: dict[str, set[str]] = defaultdict(set)
    for line in lines:
        for fs, item in _refs(line):
            wanted[fs.ref].add(item)
        wanted[line.spec.type].add(line.record_id)
    live = {t: records.live_ids(BY_TYPE[t].entity, ids) for t, ids in wanted.items()}
    taken = {t: records.all_ids(BY_TYPE[t].entity, ids) for t, ids in wanted.items()}
    household_of = _household_lookup(session, in_file)
    for line in lines:
        if line.record_id in taken[line.spec.type] and line.record_id not in live[line.spec.type]:
            problems.add(line.number, f"id「{line.id}」の {line.spec.type} は削除されています（取り込み直せません）。")
        if line.ok and line.spec.type in APPEND_ONLY and line.record_id in live[line.spec.type]:
            stored = records.get(line.spec.entity, line.record_id)
            if stored is not None and not _same(stored, line.values):
                problems.add(line.number, _CONFLICT.format(type=line.spec.type, id=line.id))
        for fs, target in _refs(line):
            written = line.written.get(fs.name)
            shown = target if written is None or isinstance(written, list) else written
            if target not in in_file[fs.ref] and target not in live[fs.ref]:
                many = idmap.ambiguous(fs.ref, target)
                problems.add(line.number, f"{fs.name}「{shown}」を元の番号に持つ {fs.ref} が{many}件あります。"
                                          "--source で取り込み元を指定するか、記録の ID で書いてください。" if many else
                             f"{fs.name}「{shown}」の {fs.ref} がこのファイルにもプロファイルにもありません。")
                continue
            if fs.ref in ("case", "person", "form") and "household_id" in line.values:
                owner = household_of(fs.ref, target)
                if owner is not None and owner != line.values["household_id"]:
                    problems.add(line.number, f"{fs.name}「{shown}」は別の世帯のものです。")


def _stations_to_create(session: Session, lines: list[Line]) -> dict[str, list[int]]:
    """Station names a household line uses that neither the profile nor the file's station
    lines have: name → the lines that use it."""
    known = {s.name for s in session.directory.stations()}
    known |= {line.values.get("name") for line in lines if line.spec.type == "station"}
    missing: dict[str, list[int]] = {}
    for line in lines:
        name = line.values.get("station") if line.spec.type == "household" else None
        if name and name not in known:
            missing.setdefault(name, []).append(line.number)
    return missing


def _same(stored: dict, values: dict) -> bool:
    return all(stored.get(k) == v for k, v in values.items())


def _household_lookup(session: Session, in_file):
    records = session.store.read()

    def lookup(kind: str, record_id: str) -> str | None:
        line = in_file[kind].get(record_id)
        if line is not None:
            return line.values.get("household_id")
        stored = records.get(BY_TYPE[kind].entity, record_id)
        return stored.get("household_id") if stored else None

    return lookup


# -- writing ---------------------------------------------------------------------------------

def _write(session: Session, lines: list[Line], idmap: IdMap, new_stations: list[str]) -> ImportReport:
    report = ImportReport(source=idmap.source, new_stations=new_stations)
    lines = sorted(lines, key=lambda line: (ORDER[line.spec.type], line.number))
    stations = {s.name: s.id for s in session.directory.stations()}
    with session.store.write() as records:
        vaults: dict[str, str] = {}
        touched: set[str] = set()
        for line in lines:
            spec, values = line.spec, dict(line.values)
            ent = entity_named(spec.entity)
            if spec.type == "station":
                stations.setdefault(values["name"], line.record_id)
            if spec.type == "household":
                name = values.pop("station")
                if name not in stations:
                    stations[name] = records.insert("station", {"name": name}, vault_id=session.vault("directory"))
                    report.created["station"] += 1
                values["station_id"] = stations[name]
            if spec.type == "person" and not ({"is_elderly", "is_child"} & set(values)):
                _derive_age_flags(values)
            vault_id = _vault_for(session, records, spec, line, values, vaults)
            existing = records.get(ent.name, line.record_id)
            origin = {} if idmap.keeps_ids else {"source": idmap.source, "source_id": line.id}
            if ent.append_only:
                if existing is None:
                    records.append(ent.name, {**values, **origin}, vault_id=vault_id, record_id=line.record_id)
                    report.created[spec.type] += 1
                elif _same(existing, values):
                    report.unchanged[spec.type] += 1
                else:
                    raise _conflict(line)
            elif existing is None:
                records.insert(ent.name, {**values, **origin}, vault_id=vault_id, record_id=line.record_id)
                report.created[spec.type] += 1
            elif records.update(ent.name, line.record_id, values):
                report.updated[spec.type] += 1
            else:
                report.unchanged[spec.type] += 1
            household = line.record_id if spec.type == "household" else values.get("household_id")
            if household:
                touched.add(household)
        for household in sorted(touched):
            session.audit(records, "import", entity="household", entity_id=household, household_id=household)
    session.changed(touched)
    return report


def _conflict(line: Line) -> ImportError_:
    # Checked before writing; this stays for a record that arrived (by sync) in between.
    return ImportError_([(line.number, _CONFLICT.format(type=line.spec.type, id=line.id))])


def _vault_for(session: Session, records, spec: TypeSpec, line: Line, values: dict, vaults: dict) -> str:
    if spec.type == "household":
        stored = records.get("household", line.record_id)
        vaults[line.record_id] = stored["vault_id"] if stored else vaults.get(line.record_id) or new_id()
        return vaults[line.record_id]
    if spec.household_bound:
        hid = values["household_id"]
        if hid not in vaults:
            vaults[hid] = records.get("household", hid)["vault_id"]
        return vaults[hid]
    if spec.type == "resource":
        return session.vault("resources")
    if spec.type in ("meeting", "meeting_kind"):
        return session.vault("meetings")
    return session.vault("directory")


def _derive_age_flags(values: dict) -> None:
    from app.clock import today
    from app.model import Person

    age = Person("", birth_date=values.get("birth_date")).age_on(today())
    if age is not None:
        values["is_elderly"] = int(age >= 65)
        values["is_child"] = int(age < 18)


__all__ = ["ImportError_", "ImportReport", "TYPES", "import_file", "import_lines"]
