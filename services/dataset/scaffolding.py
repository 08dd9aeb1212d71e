"""The platform's scaffolding: the personas, emotional arcs, training topics and prompt templates
that conversations are generated from, with their ids.

It comes from Supabase's four tables or from a JSON file with the same columns
(`{"personas": [rows], "emotional_arcs": [rows], "training_topics": [rows], "prompt_templates": [rows]}`).
It names keys (a conversation that has only a name gets its row's key: `ScaffoldingNames`), and it
is what the next generation batch is chosen over (`services.batch`): the active cells, and the ids
the platform's batch endpoint needs.

A file is read strictly: bad JSON, a table that is not a list, a row without its key (or with an id
that is not a UUID), a key twice — each refused in words naming the file, the table and the row, so
nothing is ever planned from a scaffolding the studio misread.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

import msgspec

from services.dataset.keys import Dimension, ScaffoldingNames
from services.dataset.reading import as_load_error
from services.dataset.report import LoadError

ArcTier = Literal["template", "scenario", "edge_case"]


class PersonaRow(msgspec.Struct, frozen=True, kw_only=True):
    """A row of `personas`."""

    id: str | None = None
    persona_key: str
    name: str
    archetype: str | None = None
    is_active: bool | None = True


class ArcRow(msgspec.Struct, frozen=True, kw_only=True):
    """A row of `emotional_arcs` (`tier`: `edge_case` arcs are the platform's edge cases)."""

    id: str | None = None
    arc_key: str
    name: str
    tier: ArcTier = "template"
    is_active: bool | None = True


class TopicRow(msgspec.Struct, frozen=True, kw_only=True):
    """A row of `training_topics`."""

    id: str | None = None
    topic_key: str
    name: str
    category: str | None = None
    is_active: bool | None = True


class TemplateRow(msgspec.Struct, frozen=True, kw_only=True):
    """A row of `prompt_templates`: `emotional_arc_type` is the arc key it generates."""

    id: str | None = None
    template_name: str
    tier: str = "template"
    emotional_arc_type: str | None = None
    is_active: bool | None = True


class Scaffolding(msgspec.Struct, frozen=True, kw_only=True):
    """The four tables, as rows."""

    personas: list[PersonaRow] = msgspec.field(default_factory=list)
    emotional_arcs: list[ArcRow] = msgspec.field(default_factory=list)
    training_topics: list[TopicRow] = msgspec.field(default_factory=list)
    prompt_templates: list[TemplateRow] = msgspec.field(default_factory=list)

    def names(self) -> ScaffoldingNames:
        """Names → key for the key resolution (a persona also as 'name - archetype')."""
        return ScaffoldingNames.from_rows({
            "persona": [(p.persona_key, [p.name, p.archetype,
                                         f"{p.name} - {p.archetype}" if p.archetype else None]) for p in self.personas],
            "arc": [(a.arc_key, [a.name]) for a in self.emotional_arcs],
            "topic": [(t.topic_key, [t.name]) for t in self.training_topics],
        })

    @property
    def has_ids(self) -> bool:
        """Whether every active persona, arc and topic carries its id (what the platform's body needs)."""
        rows: Iterable[PersonaRow | ArcRow | TopicRow] = [*self.active_personas, *self.active_arcs,
                                                          *self.active_topics]
        return all(r.id for r in rows)

    @property
    def active_personas(self) -> list[PersonaRow]:
        """Personas the platform still generates (`is_active` not false), in key order."""
        return sorted((p for p in self.personas if p.is_active is not False), key=lambda p: p.persona_key)

    @property
    def active_arcs(self) -> list[ArcRow]:
        """Arcs the platform still generates, in key order."""
        return sorted((a for a in self.emotional_arcs if a.is_active is not False), key=lambda a: a.arc_key)

    @property
    def active_topics(self) -> list[TopicRow]:
        """Topics the platform still generates, in key order."""
        return sorted((t for t in self.training_topics if t.is_active is not False), key=lambda t: t.topic_key)

    def template_for(self, arc_key: str) -> TemplateRow | None:
        """The active prompt template for an arc (the first by name), if there is one."""
        found = sorted((t for t in self.prompt_templates
                        if t.emotional_arc_type == arc_key and t.is_active is not False and t.id),
                       key=lambda t: (t.template_name, t.id or ""))
        return found[0] if found else None

    def key_names(self, dimension: Dimension) -> dict[str, str]:
        """key → display name for one dimension."""
        rows: dict[Dimension, list[tuple[str, str]]] = {
            "persona": [(p.persona_key, p.name) for p in self.personas],
            "arc": [(a.arc_key, a.name) for a in self.emotional_arcs],
            "topic": [(t.topic_key, t.name) for t in self.training_topics]}
        return dict(rows[dimension])


_KEYS = {"personas": "persona_key", "emotional_arcs": "arc_key", "training_topics": "topic_key",
         "prompt_templates": "template_name"}
_ROW_TYPES: dict[str, type[msgspec.Struct]] = {"personas": PersonaRow, "emotional_arcs": ArcRow,
                                               "training_topics": TopicRow, "prompt_templates": TemplateRow}


def _lower(text: str) -> str:
    return text[:1].lower() + text[1:]


def _row_label(table: str, index: int, row: object) -> str:
    key = row.get(_KEYS[table]) if isinstance(row, dict) else None
    return f"`{table}` row {index + 1}" + (f" (`{key}`)" if isinstance(key, str) and key else "")


def parse_scaffolding(data: bytes, name: str) -> Scaffolding:
    """A scaffolding file's bytes, checked row by row; `LoadError` naming the file, table and row."""
    try:
        document = msgspec.json.decode(data)
    except (msgspec.DecodeError, UnicodeDecodeError) as exc:
        raise as_load_error(exc, data, name) from None
    if not isinstance(document, dict):
        raise LoadError("wrong_shape", "expected an object with `personas`, `emotional_arcs`, `training_topics` "
                                       "and `prompt_templates` lists", name)
    unknown = sorted(set(document) - set(_KEYS))
    if unknown:
        raise LoadError("wrong_shape", f"unknown table {', '.join(f'`{t}`' for t in unknown)}; expected "
                                       + ", ".join(f"`{t}`" for t in _KEYS), name)
    tables: dict[str, list] = {}
    for table, row_type in _ROW_TYPES.items():
        rows = document.get(table, [])
        if not isinstance(rows, list):
            raise LoadError("wrong_shape", f"`{table}` must be a list of rows", name)
        typed, seen = [], set()
        for index, row in enumerate(rows):
            where = f"{name}: {_row_label(table, index, row)}"
            try:
                item = msgspec.convert(row, row_type)
            except msgspec.ValidationError as exc:
                reason, _, path = str(exc).partition(" - at `")
                field = path.rstrip("`").removeprefix("$.")
                raise LoadError("bad_row", _lower(reason) + (f" (field `{field}`)" if field else ""), where) from None
            key = getattr(item, _KEYS[table])
            if not key.strip():
                raise LoadError("bad_row", f"`{_KEYS[table]}` is empty", where)
            ident = getattr(item, "id", None)
            if ident is not None:
                try:
                    uuid.UUID(ident)
                except ValueError:
                    raise LoadError("bad_row", f"`id` {ident!r} is not a UUID", where) from None
            if key in seen:
                raise LoadError("duplicate_key", f"`{_KEYS[table]}` `{key}` appears twice", where)
            seen.add(key)
            typed.append(item)
        tables[table] = typed
    return Scaffolding(**tables)


def read_scaffolding(path: str | Path) -> Scaffolding:
    """A scaffolding JSON file (see `parse_scaffolding`)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise LoadError("unreadable", f"cannot read the file: {exc.strerror or exc}", str(path)) from None
    return parse_scaffolding(data, path.name)


def from_supabase_rows(tables: dict[str, list[dict]]) -> Scaffolding:
    """The same tables as Supabase returns them (unknown columns ignored; rows without a key skipped)."""
    out: dict[str, list] = {}
    for table, row_type in _ROW_TYPES.items():
        rows = []
        for row in tables.get(table, []):
            try:
                rows.append(msgspec.convert({k: v for k, v in row.items() if v is not None}, row_type))
            except msgspec.ValidationError:
                continue
        out[table] = rows
    return Scaffolding(**out)
