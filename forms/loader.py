"""Reading form definitions from TOML files, refusing broken ones with file, line and reason.

A definition file looks like this (the shipped ones in ``forms/definitions/`` are complete
examples, and docs/forms.md describes every key)::

    id = "2-2"
    version = 1
    form_no = "様式2-2"
    title = "プラン評価"
    date_field = "evaluated_on"

    [[sections]]
    id = "result"
    title = "評価"

    [[sections.fields]]
    id = "decision"
    label = "今後の方針"
    type = "choice"
    required = true
    options = [{ value = "continue", label = "継続" }, { value = "close", label = "終結" }]

Every problem found in a file is reported at once, each with its line, so a city's staff
can fix a file in one pass. Unknown keys are refused (a typo such as ``requried`` would
otherwise silently make a field optional).
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from forms import contract
from forms.schema import FIELD_TYPES, SCALAR_TYPES, Condition, FieldDef, FormDefinition, Migration, Option, Section
from forms.tomlmarks import Marks

ID = re.compile(r"^[a-z][a-z0-9_]*$")
FORM_ID = re.compile(r"^[a-z0-9][a-z0-9\-]*$")
TOP_KEYS = {"id", "version", "title", "form_no", "variant", "variant_label", "short_title", "date_field",
            "programme", "sections", "migrations"}
SECTION_KEYS = {"id", "title", "sheet", "help", "fields", "when", "note"}
FIELD_KEYS = {"id", "label", "type", "required", "help", "when", "national", "options", "columns", "prefill",
              "width", "lines", "rows", "max_length", "min", "max", "unit", "show_age", "form", "other"}
MIGRATION_KEYS = {"from", "rename", "values", "drop", "defaults"}
PREFILL_SOURCES = ("principal", "household", "case", "me", "today", "1-1", "1-2", "2-1", "2-2", "contact",
                   "shared-sheet")


class DefinitionError(Exception):
    """A definition file that cannot be used; each problem is (line, reason)."""

    def __init__(self, path: str, problems: list[tuple[int, str]]) -> None:
        self.path = path
        self.problems = sorted(problems)
        super().__init__(self.message())

    def message(self) -> str:
        lines = [f"様式の定義ファイルに誤りがあるため読み込めません: {self.path}"]
        lines += [f"  {line}行目: {reason}" for line, reason in self.problems]
        return "\n".join(lines)


def load_file(path: str | Path) -> FormDefinition:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise DefinitionError(str(path), [(1, f"UTF-8 で保存されていません（{exc.reason}）。")]) from None
    return load_text(text, str(path))


def load_text(text: str, source: str = "<text>") -> FormDefinition:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DefinitionError(source, [syntax_problem(text, exc)]) from None
    builder = _Builder(Marks(text), source)
    definition = builder.definition(data)
    if builder.problems:
        raise DefinitionError(source, builder.problems)
    assert definition is not None
    return definition


def syntax_problem(text: str, exc: tomllib.TOMLDecodeError) -> tuple[int, str]:
    """The line of a TOML syntax error, and why. Python 3.11's tomllib says "at end of document"
    with no line when a value is left open (``version = [``): the fault is then on the last line
    that has anything on it, not on line 1."""
    found = getattr(exc, "lineno", None)
    match = re.search(r"line (\d+)", str(exc))
    if found is None and match:
        found = int(match.group(1))
    if found is None and "end of document" in str(exc):
        written = [n for n, line in enumerate(text.splitlines(), start=1) if line.strip()]
        found = written[-1] if written else 1
        return found, f"ファイルの終わりまでに閉じられていません（[ や \" の閉じ忘れ）。TOML として読めません（{exc}）。"
    return found or 1, f"TOML として読めません（{exc}）。"


class _Builder:
    def __init__(self, marks: Marks, source: str) -> None:
        self.marks = marks
        self.source = source
        self.problems: list[tuple[int, str]] = []

    def fail(self, path: tuple, key: str | None, reason: str) -> None:
        self.problems.append((self.marks.line(path, key), reason))

    def _unknown(self, data: dict, allowed: set[str], path: tuple, where: str) -> None:
        for key in sorted(set(data) - allowed):
            self.fail(path, key, f"{where}に「{key}」という設定はありません（使えるもの: {'、'.join(sorted(allowed))}）。")

    def _typed(self, data: dict, key: str, kind: type | tuple, path: tuple, default: Any = None) -> Any:
        value = data.get(key, default)
        if key in data and not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            self.fail(path, key, f"「{key}」の値の形が違います（{type(value).__name__} になっています）。")
            return default
        return value

    # -- the whole file ----------------------------------------------------------------------

    def definition(self, data: dict) -> FormDefinition | None:
        self._unknown(data, TOP_KEYS, (), "定義の先頭")
        form_id = self._typed(data, "id", str, (), "")
        if not FORM_ID.match(form_id or ""):
            self.fail((), "id", "様式の id（例: \"1-2\"、\"contact\"）がないか、使えない文字を含みます。")
        version = self._typed(data, "version", int, (), 0)
        if version < 1:
            self.fail((), "version", "version（版）は 1 以上の整数で書いてください。")
        title = self._typed(data, "title", str, (), "")
        if not title.strip():
            self.fail((), "title", "title（様式の名前）がありません。")
        raw_sections = self._typed(data, "sections", list, (), [])
        if not raw_sections:
            self.fail((), None, "[[sections]]（区分）が一つもありません。")
        sections = [self.section(s, ("sections", i)) for i, s in enumerate(raw_sections) if isinstance(s, dict)]
        migrations = [self.migration(m, ("migrations", i), version)
                      for i, m in enumerate(self._typed(data, "migrations", list, (), []))]
        definition = FormDefinition(
            id=form_id, version=version, title=title, form_no=self._typed(data, "form_no", str, (), ""),
            variant=self._typed(data, "variant", str, (), ""),
            variant_label=self._typed(data, "variant_label", str, (), ""),
            short_title=self._typed(data, "short_title", str, (), "") or title,
            date_field=self._typed(data, "date_field", str, (), ""),
            programme=self._typed(data, "programme", str, (), "重層的支援体制整備事業"),
            sections=tuple(sections), migrations=tuple(m for m in migrations if m), source=self.source)
        self.cross_checks(definition)
        return definition

    def section(self, data: dict, path: tuple) -> Section:
        self._unknown(data, SECTION_KEYS, path, "区分（sections）")
        sid = self._typed(data, "id", str, path, "")
        if not ID.match(sid):
            self.fail(path, "id", f"区分の id「{sid}」は英小文字・数字・_ で書いてください。")
        title = self._typed(data, "title", str, path, "")
        if not title.strip():
            self.fail(path, "title", f"区分「{sid}」に title がありません。")
        sheet = self._typed(data, "sheet", int, path, 1)
        if sheet < 1:
            self.fail(path, "sheet", "sheet（枚目）は 1 以上にしてください。")
        fields = [self.field(f, path + ("fields", i), table=None)
                  for i, f in enumerate(self._typed(data, "fields", list, path, [])) if isinstance(f, dict)]
        if not fields:
            self.fail(path, None, f"区分「{sid}」に項目（[[sections.fields]]）がありません。")
        return Section(sid, title, sheet, self._typed(data, "help", str, path, ""), tuple(fields),
                       self.condition(data.get("when"), path), self._typed(data, "note", str, path, ""),
                       self.marks.line(path))

    def field(self, data: dict, path: tuple, table: str | None) -> FieldDef:
        where = f"表「{table}」の列" if table else "項目"
        self._unknown(data, FIELD_KEYS, path, where)
        fid = self._typed(data, "id", str, path, "")
        if not ID.match(fid):
            self.fail(path, "id", f"{where}の id「{fid}」は英小文字で始め、英小文字・数字・_ で書いてください。")
        label = self._typed(data, "label", str, path, "")
        if not label.strip():
            self.fail(path, "label", f"{where}「{fid}」に label（見出し）がありません。")
        kind = self._typed(data, "type", str, path, "text")
        allowed = SCALAR_TYPES if table else FIELD_TYPES
        if kind not in allowed:
            self.fail(path, "type", f"{where}「{fid}」の種類「{kind}」は使えません（使える種類: {'、'.join(allowed)}）。")
        options = self.options(data.get("options", []), path, fid)
        if kind in ("choice", "multichoice") and not options:
            self.fail(path, "options", f"選択肢の項目「{fid}」に options がありません。")
        columns: list[FieldDef] = []
        if kind == "table":
            raw = self._typed(data, "columns", list, path, [])
            columns = [self.field(c, path + ("columns", i), table=fid) for i, c in enumerate(raw) if isinstance(c, dict)]
            if not columns:
                self.fail(path, "columns", f"表「{fid}」に columns（列）がありません。")
            if len({c.id for c in columns}) != len(columns):
                self.fail(path, "columns", f"表「{fid}」に同じ id の列があります。")
        width = self._typed(data, "width", (int, float), path, 1.0)
        if not 0 < width <= 1:
            self.fail(path, "width", "width は 0 より大きく 1 以下の割合で書いてください（例: 0.5）。")
        other = self._typed(data, "other", str, path, "")
        if other and other not in {o.value for o in options}:
            self.fail(path, "other", f"other「{other}」は「{fid}」の選択肢にありません。")
        prefill = self._typed(data, "prefill", str, path, "")
        if prefill and prefill.split(".", 1)[0] not in PREFILL_SOURCES:
            self.fail(path, "prefill", f"prefill「{prefill}」の出どころが分かりません（{'、'.join(PREFILL_SOURCES)}）。")
        form = self._typed(data, "form", str, path, "")
        if kind == "record" and not form:
            self.fail(path, "form", f"様式を選ぶ項目「{fid}」に form（どの様式か）がありません。")
        return FieldDef(
            id=fid, label=label, type=kind, required=bool(self._typed(data, "required", bool, path, False)),
            help=self._typed(data, "help", str, path, ""), when=self.condition(data.get("when"), path),
            national=bool(self._typed(data, "national", bool, path, False)), options=tuple(options),
            columns=tuple(columns), prefill=prefill, width=float(width),
            lines=self._typed(data, "lines", int, path, 0), rows=self._typed(data, "rows", int, path, 0),
            max_length=self._typed(data, "max_length", int, path, 0),
            minimum=self._typed(data, "min", (int, float), path, None),
            maximum=self._typed(data, "max", (int, float), path, None),
            unit=self._typed(data, "unit", str, path, ""), show_age=bool(self._typed(data, "show_age", bool, path, False)),
            form=form, other=other, line=self.marks.line(path))

    def options(self, raw: Any, path: tuple, fid: str) -> list[Option]:
        if not isinstance(raw, list):
            self.fail(path, "options", f"「{fid}」の options は [ ] の一覧で書いてください。")
            return []
        out = []
        for item in raw:
            if isinstance(item, str):
                out.append(Option(item, item))
            elif isinstance(item, dict) and isinstance(item.get("value"), str) and isinstance(item.get("label"), str):
                out.append(Option(item["value"], item["label"]))
            else:
                self.fail(path, "options", f"「{fid}」の選択肢は文字列か {{ value = \"…\", label = \"…\" }} で書いてください。")
        if len({o.value for o in out}) != len(out):
            self.fail(path, "options", f"「{fid}」の選択肢に同じ値が二つあります。")
        return out

    def condition(self, raw: Any, path: tuple) -> Condition | None:
        if raw is None:
            return None
        if isinstance(raw, str):
            return Condition(raw)
        if isinstance(raw, dict) and isinstance(raw.get("field"), str) and set(raw) <= {"field", "is"}:
            values = raw.get("is", [])
            values = [values] if isinstance(values, (str, bool)) else values
            return Condition(raw["field"], tuple(("true" if v else "false") if isinstance(v, bool) else str(v)
                                                 for v in values))
        self.fail(path, "when", "when は項目の id か { field = \"…\", is = [\"…\"] } で書いてください。")
        return None

    def migration(self, data: Any, path: tuple, version: int) -> Migration | None:
        if not isinstance(data, dict):
            self.fail(path, None, "[[migrations]] の形が違います。")
            return None
        self._unknown(data, MIGRATION_KEYS, path, "移行（migrations）")
        start = self._typed(data, "from", int, path, 0)
        if not 1 <= start < version:
            self.fail(path, "from", f"from（移行元の版）は 1 以上 {version} 未満にしてください。")
        rename = self._typed(data, "rename", dict, path, {})
        values = self._typed(data, "values", dict, path, {})
        flat_values = [(name, str(old), str(new)) for name, mapping in values.items() if isinstance(mapping, dict)
                       for old, new in mapping.items()]
        return Migration(start, tuple((str(k), str(v)) for k, v in rename.items()), tuple(flat_values),
                         tuple(str(x) for x in self._typed(data, "drop", list, path, [])),
                         tuple(self._typed(data, "defaults", dict, path, {}).items()))

    # -- rules across fields --------------------------------------------------------------------

    def cross_checks(self, d: FormDefinition) -> None:
        seen: dict[str, FieldDef] = {}
        for f in d.fields():
            if f.id in seen:
                self.problems.append((f.line, f"項目の id「{f.id}」が二度使われています（最初は {seen[f.id].line}行目）。"))
            seen[f.id] = f
        for s in d.sections:
            for item in (s, *s.fields):
                self._check_condition(item, seen)
        if d.date_field and (d.date_field not in seen or seen[d.date_field].type != "date"):
            self.fail((), "date_field", f"date_field「{d.date_field}」は日付の項目ではありません。")
        fields, columns, options = contract.requirements_for(d.key, d.id)
        for name, types in fields.items():
            if name not in seen or seen[name].type not in types:
                self.fail((), "id", f"様式{d.id}には、ほかの機能が読む項目「{name}」（種類: {'・'.join(types)}）が必要です。")
        for table, cols in columns.items():
            have = {c.id: c.type for c in seen[table].columns} if table in seen else {}
            for name, types in cols.items():
                if have.get(name) not in types:
                    self.fail((), "id", f"表「{table}」には列「{name}」（種類: {'・'.join(types)}）が必要です。")
        for name, codes in options.items():
            have_codes = {o.value for o in seen[name].options} if name in seen else set()
            missing = [c for c in codes if c not in have_codes]
            if missing and name in seen:
                self.problems.append((seen[name].line, f"「{name}」の選択肢には値 {'、'.join(missing)} が必要です。"))

    def _check_condition(self, item: FieldDef | Section, fields: dict[str, FieldDef]) -> None:
        if item.when is None:
            return
        line = item.line
        target = fields.get(item.when.field)
        if target is None or target.id == item.id:
            self.problems.append((line or 1, f"「{item.id}」の when が指す項目「{item.when.field}」がありません。"))
            return
        codes = {o.value for o in target.options} | ({"true", "false"} if target.type == "check" else set())
        unknown = [v for v in item.when.values if codes and v not in codes]
        if unknown:
            self.problems.append((line or target.line, f"「{item.id}」の when の値 {'、'.join(unknown)} は"
                                                      f"「{target.id}」の選択肢にありません。"))
