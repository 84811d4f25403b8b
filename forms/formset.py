"""A form set: every version of every form a city uses, the shipped ones overridden by its own.

The shipped definitions live in ``forms/definitions/``. A city that words its forms its own
way puts TOML files in a folder (``--forms DIR`` or the profile setting ``forms_dir``); a file
there with the same form id, variant and version replaces the shipped one, and a higher
version becomes the one new forms are filled with. Older versions stay in the set so forms
filled with them remain readable and printable as they were filled.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from forms.loader import DefinitionError, load_file
from forms.schema import FormDefinition

SHIPPED = Path(__file__).resolve().parent / "definitions"


@dataclass
class FormSet:
    # key ("2-1" or "1-1:consent") → version → definition
    versions: dict[str, dict[int, FormDefinition]] = field(default_factory=dict)
    folders: tuple[Path, ...] = ()

    def add(self, definition: FormDefinition) -> None:
        self.versions.setdefault(definition.key, {})[definition.version] = definition

    def ordered_keys(self) -> list[str]:
        return sorted(self.versions, key=_order)

    def form_ids(self) -> list[str]:
        return sorted({k.split(":")[0] for k in self.versions}, key=_order)

    def variants(self, form_id: str) -> list[FormDefinition]:
        """The current definition of each variant of a form (1-1 has two)."""
        return [self.current(k) for k in self.ordered_keys() if k.split(":")[0] == form_id]

    def current(self, key: str) -> FormDefinition:
        found = self.versions.get(key) or self.versions.get(self.default_key(key))
        if not found:
            raise KeyError(key)
        return found[max(found)]

    def default_key(self, form_id: str) -> str:
        """The key a form id means when no variant is named: itself, or its first variant."""
        if form_id in self.versions:
            return form_id
        variants = [k for k in self.ordered_keys() if k.split(":")[0] == form_id]
        return variants[0] if variants else form_id

    def get(self, key: str, version: int | None) -> FormDefinition | None:
        """The exact version, or None when this set no longer has it."""
        found = self.versions.get(key) or {}
        return found.get(version) if version is not None else None

    def chain(self, key: str, start: int) -> list[FormDefinition]:
        """The versions after ``start``, oldest first: the steps a migration walks."""
        found = self.versions.get(key) or {}
        return [found[v] for v in sorted(found) if v > start]


def _order(key: str) -> tuple:
    head = key.split(":")[0]
    numbered = head.replace("-", "").isdigit()
    return (0 if numbered else 1, head, key)


def load_folder(folder: Path, into: FormSet | None = None) -> FormSet:
    """Every ``*.toml`` in a folder; all broken files are reported together."""
    into = into or FormSet()
    folder = Path(folder)
    if not folder.is_dir():
        raise DefinitionError(str(folder), [(0, "様式の定義フォルダが見つかりません。")])
    problems: list[DefinitionError] = []
    for path in sorted(folder.glob("*.toml")):
        try:
            into.add(load_file(path))
        except DefinitionError as exc:
            problems.append(exc)
    if problems:
        raise FormSetError(problems)
    into.folders = into.folders + (folder,)
    return into


def load_form_set(*city_folders: Path | str | None) -> FormSet:
    """The shipped set, then each city folder given (later ones win)."""
    form_set = load_folder(SHIPPED)
    for folder in city_folders:
        if folder:
            load_folder(Path(folder), form_set)
    return form_set


class FormSetError(DefinitionError):
    """Several broken files in one folder."""

    def __init__(self, errors: list[DefinitionError]) -> None:
        self.errors = errors
        Exception.__init__(self, self.message())
        self.path = errors[0].path
        self.problems = [p for e in errors for p in e.problems]

    def message(self) -> str:
        return "\n".join(e.message() for e in self.errors)
