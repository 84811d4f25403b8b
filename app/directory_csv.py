"""The directory as spreadsheets: one CSV file per kind (stations, staff, agencies, resources).

A city keeps its 支援関係機関 in Excel. A file has a header row of the column names below
(Japanese, as the template has them; the English field names work too) and one entry a line.
It may be UTF-8 (with or without the BOM Excel's "CSV UTF-8" writes) or cp932 (what Excel's
plain "CSV" writes in Japan). Stations and agencies are named, not numbered: 「勝田」 in a
ステーション column must be a station of the profile.

Import is all or nothing: every line is checked first and every problem reported at once, by
line number, in Japanese; only a file without problems is written, in one transaction. A line
with an ID updates that entry; one without is matched by its name (staff: by login, else name)
and updates it, or is added. So importing the same file twice, or a file just exported,
changes nothing.

Export writes every entry (retired ones too, 状態 廃止) with its ID. A cell Excel would run as
a formula (starting with = + - @) is written behind a ' and read back without it.
"""

from __future__ import annotations

import codecs
import csv
import io
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from app.errors import AppError, InvalidInput
from app.services.directory import KINDS, Kind, kind_of
from app.session import Session
from app.vocab import StaffRole
from storage.atomic import atomic_writer

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
MAX_SHOWN = 100
ACTIVE, RETIRED = "使用中", "廃止"
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    field: str  # a record field; "station" / "agency" are names looked up; "id" the entry's ID
    header: str
    option: str  # the command line's option for it (yorisoi directory add/edit)
    required: bool = False


def _c(field_: str, header: str, option: str | None = None, required: bool = False) -> Column:
    return Column(field_, header, option or field_.replace("_", "-"), required)


COLUMNS: dict[str, tuple[Column, ...]] = {
    "stations": (_c("id", "ID"), _c("name", "名称", required=True), _c("area", "地域"),
                 _c("sort_order", "表示順", "order"), _c("active", "状態")),
    "agencies": (_c("id", "ID"), _c("kind", "種別", "type"), _c("name", "名称", required=True), _c("area", "地域"),
                 _c("station", "ステーション"), _c("contact_person", "担当者", "contact-person"), _c("phone", "電話"),
                 _c("address", "住所"), _c("memo", "メモ"), _c("active", "状態")),
    "staff": (_c("id", "ID"), _c("login", "ログイン名"), _c("name", "氏名", required=True), _c("kana", "ふりがな"),
              _c("station", "ステーション"), _c("agency", "所属機関"), _c("role", "役割"), _c("active", "状態")),
    "resources": (_c("id", "ID"), _c("kind", "種類", "type"), _c("name", "名称", required=True), _c("area", "地域"),
                  _c("station", "ステーション"), _c("address", "住所"), _c("contact", "連絡先"),
                  _c("description", "説明"), _c("active", "状態")),
}
REFERENCES = {"station": ("station_id", "stations", "ステーション"), "agency": ("agency_id", "agencies", "所属機関")}


class DirectoryImportRefused(AppError):
    """The file was refused and nothing written; ``problems`` are (line, reason) pairs."""

    def __init__(self, problems: list[tuple[int, str]], kind: Kind) -> None:
        self.problems = problems
        shown = problems[:MAX_SHOWN]
        head = (f"{kind.label}の取り込みを中止しました（何も取り込んでいません）。問題は {len(problems)} 件です"
                + (f"（最初の {MAX_SHOWN} 件を表示します）。" if len(problems) > MAX_SHOWN else "。"))
        super().__init__("\n".join([head, *(f"{n}行目: {r}" if n else r for n, r in shown)]))


@dataclass
class ImportSummary:
    kind: str
    encoding: str
    counts: Counter = field(default_factory=Counter)  # created / updated / unchanged

    @property
    def total(self) -> int:
        return sum(self.counts.values())


# -- reading a file ----------------------------------------------------------------------------

def decode(data: bytes) -> tuple[str, str]:
    """The text and the encoding it was read in; AppError when it is neither UTF-8 nor cp932."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise AppError("このファイルは UTF-16（Excel の「Unicode テキスト」）です。Excel で「CSV UTF-8」か"
                       "「CSV（コンマ区切り）」を選んで保存し直してください。")
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[3:].decode("utf-8"), "UTF-8"
        except UnicodeDecodeError as exc:
            raise AppError(f"{_line_at(data, exc.start)}行目: UTF-8 の文字として読めません。") from None
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp932"), "Shift_JIS (cp932)"
    except UnicodeDecodeError as exc:
        raise AppError(f"文字コードを判別できません（UTF-8 でも Shift_JIS (cp932) でもありません。"
                       f"{_line_at(data, exc.start)}行目で読めなくなります）。"
                       "Excel で「CSV UTF-8」を選んで保存し直してください。") from None


def _line_at(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def read_rows(text: str) -> list[tuple[int, list[str]]]:
    """(line number where the row starts, cells); blank lines are left out."""
    reader = csv.reader(io.StringIO(text, newline=""))
    rows = []
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise AppError(f"{start}行目: CSV として読めません（{exc}）。引用符（\"）の対応を確かめてください。") from None
        if any(c.strip() for c in cells):
            rows.append((start, cells))
        if len(rows) > MAX_ROWS:
            raise AppError(f"行が多すぎます（{MAX_ROWS} 行まで）。ファイルを分けて取り込んでください。")
    return rows


def _cell(text: str) -> str:
    text = text.replace("\u3000", " ").strip()
    if text.startswith("'") and text[1:2] in _FORMULA:
        text = text[1:]  # written so by export, so that Excel shows it as text
    return text


# -- import ------------------------------------------------------------------------------------

def import_file(session: Session, path: Path, kind: str) -> ImportSummary:
    k = kind_of(kind)
    try:
        size = Path(path).stat().st_size
        if size > MAX_BYTES:
            raise AppError(f"ファイルが大きすぎます（{MAX_BYTES // 1024 // 1024} MB まで）。")
        data = Path(path).read_bytes()
    except OSError as exc:
        raise AppError(f"ファイルを読めません: {exc.strerror or exc}") from None
    text, encoding = decode(data)
    return import_text(session, text, k, encoding)


def import_text(session: Session, text: str, k: Kind, encoding: str = "UTF-8") -> ImportSummary:
    rows = read_rows(text)
    if not rows:
        raise DirectoryImportRefused([(0, "見出しの行がありません（空のファイルです）。")], k)
    problems: list[tuple[int, str]] = []
    columns = _header(rows[0], k, problems)
    if problems:
        raise DirectoryImportRefused(problems, k)
    plan = _check(session, rows[1:], columns, k, problems)
    if problems:
        raise DirectoryImportRefused(sorted(problems, key=lambda p: p[0]), k)
    summary = ImportSummary(k.code, encoding)
    directory = session.directory
    with session.store.write() as records:
        for number, record_id, values in plan:
            try:
                _, what = directory.save_in(records, k, values, record_id)
            except InvalidInput as exc:  # checked above; a rule only the store knows, still by line
                raise DirectoryImportRefused([(number, exc.message)], k) from None
            summary.counts[what] += 1
        session.audit(records, "directory.import", entity=k.entity, detail=f"{dict(summary.counts)}")
    session.changed(set())
    return summary


def _header(row: tuple[int, list[str]], k: Kind, problems: list) -> list[Column | None]:
    number, cells = row
    by_name = {c.header: c for c in COLUMNS[k.code]} | {c.field: c for c in COLUMNS[k.code]}
    columns: list[Column | None] = []
    for cell in cells:
        name = unicodedata.normalize("NFKC", cell.lstrip("\ufeff")).strip().rstrip("*＊")
        column = by_name.get(name) or by_name.get(name.lower())
        if column is None and name:
            problems.append((number, f"見出し「{cell.strip()}」は{k.label}の列ではありません"
                                     f"（使える見出し: {'、'.join(c.header for c in COLUMNS[k.code])}）。"))
        if column is not None and column in columns:
            problems.append((number, f"見出し「{column.header}」が2回あります。"))
        columns.append(column)
    for column in COLUMNS[k.code]:
        if column.required and column not in columns:
            problems.append((number, f"見出しに「{column.header}」の列がありません（必須です）。"))
    return columns


def _check(session: Session, rows, columns: list[Column | None], k: Kind, problems: list):
    """What each line writes: (line, existing id or None, values); problems appended by line."""
    directory = session.directory
    records = session.store.read()
    existing = {e.id: e for e in directory.list(k.code)}
    by_key = _keys(existing.values(), k)
    lookups = {ref: _names(directory.list(kind)) for ref, (_, kind, _) in REFERENCES.items()}
    seen: dict[str, int] = {}
    plan = []
    for number, cells in rows:
        if len(cells) > len(columns) and any(c.strip() for c in cells[len(columns):]):
            problems.append((number, f"列が多すぎます（見出しは {len(columns)} 列、この行は {len(cells)} 列）。"
                                     "「,」を含む値は \"…\" で囲んでください。"))
            continue
        raw = {c.field: _cell(v) for c, v in zip(columns, cells, strict=False) if c is not None}
        values, record_id = {}, raw.pop("id", "") or None
        found: list[str] = []  # this line's problems
        bad = found.append

        if record_id and record_id not in existing:
            bad(f"ID「{record_id}」の{k.label}はこのプロファイルにありません（新しく登録するなら ID の欄を空にしてください）。")
        for name, text in raw.items():
            if name in REFERENCES:
                target, kind, label = REFERENCES[name]
                if not text:
                    values[target] = None
                elif text in lookups[name]:
                    values[target] = lookups[name][text]
                else:
                    bad(f"{label}「{text}」は名簿にありません（先に yorisoi directory import --kind {kind} で"
                        "登録するか、名前を確かめてください）。")
            elif name == "active":
                state = _state(text)
                if state is None:
                    bad(f"状態「{text}」は「{ACTIVE}」か「{RETIRED}」にしてください（空欄は{ACTIVE}）。")
                values["active"] = state
            elif name == "role" and text:
                try:
                    values["role"] = StaffRole.parse(text).value
                except ValueError:
                    bad(f"役割「{text}」は選べません（{'、'.join(r.label for r in StaffRole)}）。")
            else:
                values[name] = text or None
        if found:
            problems.extend((number, reason) for reason in found)
            continue
        key = _key(values.get("name"), values.get("login"), k)
        if key in seen:
            problems.append((number, f"{seen[key]}行目と同じ{k.label}（{values.get('login') or values.get('name')}）です。"))
            continue
        seen[key] = number
        if record_id is None:
            match = by_key.get(key)
            if match is None and k.code == "staff":  # a login given now to someone listed without one
                match = by_key.get(_key(values.get("name"), None, k))
                match = match if match is not None and not match.login else None
            record_id = match.id if match is not None else None
        try:  # the same rules as the window and the command line
            directory.clean(records, k, values, record_id)
        except InvalidInput as exc:
            problems.append((number, exc.message))
            continue
        plan.append((number, record_id, values))
    return plan


def _key(name: str | None, login: str | None, k: Kind) -> str:
    return f"login:{login}" if k.code == "staff" and login else f"name:{name}"


def _keys(entries, k: Kind) -> dict:
    out = {}
    for e in entries:
        out.setdefault(_key(e.name, None, k), e)
        if k.code == "staff" and e.login:
            out[_key(e.name, e.login, k)] = e
    return out


def _names(entries) -> dict[str, str]:
    return {e.name: e.id for e in entries}


def _state(text: str) -> int | None:
    text = unicodedata.normalize("NFKC", text).strip().lower()
    if text in ("", ACTIVE, "有効", "1", "active", "yes"):
        return 1
    if text in (RETIRED, "無効", "0", "retired", "no"):
        return 0
    return None


# -- export ------------------------------------------------------------------------------------

ENCODINGS = {"utf-8": "utf-8-sig", "cp932": "cp932"}


def table(session: Session, kind: str, *, active_only: bool = False) -> tuple[list[str], list[list[str]]]:
    """The header and a row of cells per entry, as a file has them (what `list` prints too)."""
    k = kind_of(kind)
    directory = session.directory
    names = {ref: directory.names(KINDS[kind_].entity) for ref, (_, kind_, _) in REFERENCES.items()}
    rows = [[_export_cell(entry, c, names) for c in COLUMNS[k.code]]
            for entry in directory.list(k.code, active_only=active_only)]
    return [c.header for c in COLUMNS[k.code]], rows


def export_text(session: Session, kind: str) -> str:
    header, rows = table(session, kind)
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def _export_cell(entry, column: Column, names: dict) -> str:
    if column.field in REFERENCES:
        ref = getattr(entry, REFERENCES[column.field][0])
        return names[column.field].get(ref, "") if ref else ""
    value = getattr(entry, column.field, None)
    if column.field == "active":
        return RETIRED if value in (0, "0") else ACTIVE
    if column.field == "role" and value:
        try:
            return StaffRole(value).label
        except ValueError:
            return str(value)
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA) else text


def export_file(session: Session, kind: str, path: Path, encoding: str = "utf-8") -> int:
    """Writes the file (UTF-8 with a BOM, so Excel reads it, or cp932); returns the entries."""
    text = export_text(session, kind)
    try:
        data = text.encode(ENCODINGS[encoding])
    except KeyError:
        raise InvalidInput(f"文字コード「{encoding}」は選べません（utf-8 か cp932）。", "encoding") from None
    except UnicodeEncodeError as exc:
        line = text.count("\n", 0, exc.start) + 1
        raise AppError(f"{line}行目の「{text[exc.start:exc.end]}」は Shift_JIS (cp932) で書けません"
                       "（外字など）。UTF-8 で書き出してください（--encoding utf-8）。") from None
    with atomic_writer(path) as handle:
        handle.write(data)
    return text.count("\n") - 1


def template_folder() -> Path:
    """The shipped template: a directory for a city like 美作市, one CSV per kind."""
    return Path(__file__).resolve().parent / "templates" / "directory"
