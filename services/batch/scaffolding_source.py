"""Which scaffolding to plan and theme over — a file, Supabase's tables when configured, or the demo's
(labelled) — decided in one place for the command line and the pages, and what it counts beside the data."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from services.dataset.scaffolding import Scaffolding, from_supabase_rows, parse_scaffolding, read_scaffolding
from services.supabase.client import SupabaseSession

if TYPE_CHECKING:
    from services.dataset.loader import LoadedDataset


@functools.lru_cache(maxsize=1)
def demo_scaffolding() -> Scaffolding:
    """The demo's scaffolding (3 personas, 10 arcs, 17 topics, 10 templates, with ids): parsed once per
    process (it is frozen), not on every page run that plans or themes with it."""
    import json

    from services.demo.scaffolding_rows import scaffolding_document

    return parse_scaffolding(json.dumps(scaffolding_document()).encode(), "demo scaffolding")


FROM_SUPABASE = "Supabase's scaffolding tables"
FROM_DEMO = "the demo scaffolding"
FROM_DATA = "the data alone"
ScaffoldingFile = str | Path | tuple[bytes, str]  # a path, or a file's bytes and its name (an upload)


def supabase_scaffolding(session: SupabaseSession) -> Scaffolding:
    """Supabase's four scaffolding tables, with their ids."""
    from services.supabase.source import read_scaffolding as read_tables
    from services.supabase.source import read_scaffolding_templates

    tables = read_tables(session)
    tables["prompt_templates"] = read_scaffolding_templates(session)
    return from_supabase_rows(tables)


def resolve_scaffolding(file: ScaffoldingFile | None, session: SupabaseSession | None, demo_fallback: bool,
                        tables: Callable[[SupabaseSession], Scaffolding] = supabase_scaffolding,
                        ) -> tuple[Scaffolding | None, str]:
    """The one place that decides which scaffolding a plan or a theme uses, and says it the same way
    everywhere: a file given (a path, or an upload's bytes) → Supabase's tables when a session is
    configured (`tables` reads them: the app passes a cached reader) → the demo's when it may stand in
    → none, and then the data's own keys. (the scaffolding, where it came from, in words)."""
    if isinstance(file, tuple):
        data, name = file
        return parse_scaffolding(data, name), f"the scaffolding file {name}"
    if file is not None:
        return read_scaffolding(file), f"the scaffolding file {file}"
    if session is not None:
        return tables(session), FROM_SUPABASE
    if demo_fallback:
        return demo_scaffolding(), FROM_DEMO
    return None, FROM_DATA


def counted(scaffolding: Scaffolding | None, where: str, ds: LoadedDataset | None) -> str:
    """Where the scaffolding came from and what it counts, beside what the data covers: "the demo
    scaffolding (10 arcs, 7 with conversations; …)" — a scaffolding's count is never said as the data's."""
    if scaffolding is None:
        return where
    if ds is None:
        held: dict[str, set[str]] = {"persona": set(), "arc": set(), "topic": set()}
    else:
        c = ds.columns
        held = {"persona": set(c.persona_key), "arc": set(c.arc_key), "topic": set(c.topic_key)}
    parts = []
    for dim, plural, keys in (("persona", "personas", [p.persona_key for p in scaffolding.active_personas]),
                              ("arc", "arcs", [a.arc_key for a in scaffolding.active_arcs]),
                              ("topic", "topics", [t.topic_key for t in scaffolding.active_topics])):
        covered = sum(k in held[dim] for k in keys)
        parts.append(f"{len(keys):,} {plural if len(keys) != 1 else dim}, {covered:,} with conversations")
    ids = "with ids" if scaffolding.has_ids else "without ids"
    return f"{where} ({'; '.join(parts)}; {ids})"


def names_of(scaffolding: Scaffolding) -> dict[str, str]:
    """Every persona, arc and topic key → the name people read (keys stay in the body and the files)."""
    return ({p.persona_key: p.name for p in scaffolding.personas}
            | {a.arc_key: a.name for a in scaffolding.emotional_arcs}
            | {t.topic_key: t.name for t in scaffolding.training_topics})


def readable(text: str, names: dict[str, str]) -> str:
    """A sentence that names keys in backticks, for a person: each key as its name, no markup left."""
    return re.sub(r"`([^`]*)`", lambda m: names.get(m.group(1), m.group(1)), text)
