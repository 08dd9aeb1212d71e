"""Which scaffolding to plan over: a file, Supabase's tables when configured, or the demo's (labelled)."""

from __future__ import annotations

from services.dataset.scaffolding import Scaffolding, from_supabase_rows, parse_scaffolding, read_scaffolding
from services.supabase.client import SupabaseSession


def demo_scaffolding() -> Scaffolding:
    """The demo's scaffolding (3 personas, 10 arcs, 17 topics, 10 templates, with ids)."""
    import json

    from services.demo.scaffolding import scaffolding_document

    return parse_scaffolding(json.dumps(scaffolding_document()).encode(), "demo scaffolding")


def resolve_scaffolding(path: str | None, session: SupabaseSession | None,
                        demo_fallback: bool) -> tuple[Scaffolding | None, str]:
    """(the scaffolding, where it came from, in words); None (and "the data alone") without one."""
    if path:
        return read_scaffolding(path), f"the scaffolding file {path}"
    if session is not None:
        from services.supabase.source import read_scaffolding as read_tables
        from services.supabase.source import read_scaffolding_templates

        tables = read_tables(session)
        tables["prompt_templates"] = read_scaffolding_templates(session)
        return from_supabase_rows(tables), "Supabase's scaffolding tables"
    if demo_fallback:
        return demo_scaffolding(), "the demo scaffolding"
    return None, "the data alone"
