"""The conversations table in figures, computed by PostgreSQL: totals, enrichment states, and coverage
(persona × arc, with quality), from the `conversation_groups` view (supabase/migrations/20261206010000_…).

At 100,000 conversations, pulling every row through PostgREST costs a hundred pages; the view answers
in a few hundred grouped rows. Each group's keys are resolved by the rules a single row's are
(`rows.resolved_keys`), so the figures equal those computed from the rows. A project without the
migration gets the same figures from the rows, and is told how to make them cheap.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from services.supabase import source
from services.supabase.client import SupabaseSession
from services.supabase.errors import SupabaseError
from services.supabase.rows import resolved_keys
from services.supabase.tables import fetch_all_saying

VIEW = "conversation_groups"
MIGRATION = "supabase/migrations/20261206010000_conversation_groups.sql"
GROUP_COLUMNS = (
    "group_id,persona_key,emotional_arc_key,topic_key,persona_id,emotional_arc_id,training_topic_id,"
    "snapshot_persona,snapshot_arc,snapshot_topic,snapshot_persona_name,snapshot_arc_name,snapshot_topic_name,"
    "tier,status,enrichment_status,with_content,conversations,rated,quality_sum,turns"
)
CELL_COLUMNS = ["persona", "emotional_arc", "conversations", "with_content", "quality"]


@dataclass(frozen=True)
class ConversationFigures:
    """What the Supabase page shows of the conversations table, without its rows."""

    total: int
    with_content: int
    approved: int
    by_enrichment: pd.DataFrame  # enrichment_status ("not recorded" for none), conversations
    cells: pd.DataFrame  # persona, emotional_arc, conversations, with_content, quality (mean of rated)
    source: str  # "view": computed by PostgreSQL; "rows": from every row (the migration is missing)


def figures_from_groups(groups: pd.DataFrame) -> ConversationFigures:
    """The figures from resolved groups: one row per group with `persona`, `emotional_arc`, `status`,
    `enrichment_status`, `with_content`, `conversations`, `rated` and `quality_sum`."""
    source = str(groups.attrs.get("source", "view"))
    if groups.empty:
        return ConversationFigures(0, 0, 0, pd.DataFrame(columns=["enrichment_status", "conversations"]),
                                   pd.DataFrame(columns=CELL_COLUMNS), source)
    g = groups.assign(content=groups["conversations"].where(groups["with_content"].astype(bool), 0))
    by_status = (g.assign(enrichment_status=g["enrichment_status"].fillna("not recorded"))
                 .groupby("enrichment_status", dropna=False)["conversations"].sum().reset_index())
    cells = g.groupby(["persona", "emotional_arc"], dropna=False).agg(
        conversations=("conversations", "sum"), with_content=("content", "sum"), rated=("rated", "sum"),
        quality_sum=("quality_sum", "sum")).reset_index()
    cells["quality"] = (cells["quality_sum"] / cells["rated"]).where(cells["rated"] > 0)
    return ConversationFigures(
        total=int(g["conversations"].sum()), with_content=int(g["content"].sum()),
        approved=int(g.loc[g["status"] == "approved", "conversations"].sum()),
        by_enrichment=by_status, cells=cells[CELL_COLUMNS], source=source)


def groups_from_index(index: pd.DataFrame) -> pd.DataFrame:
    """The conversation index (`rows.conversation_index`) as groups of one: the same figures from rows."""
    groups = pd.DataFrame({
        "persona": index["persona"], "emotional_arc": index["emotional_arc"], "status": index["status"],
        "enrichment_status": index["enrichment_status"], "with_content": index["enriched_file_path"].notna(),
        "conversations": 1, "rated": index["quality"].notna().astype(int), "quality_sum": index["quality"].fillna(0.0)})
    groups.attrs["source"] = "rows"
    return groups


def read_groups(session: SupabaseSession, scaffolding: source.Scaffolding) -> pd.DataFrame:
    """The view's groups with their keys resolved and named. Raises `SupabaseError` (`no_view`) where the
    project lacks the migration."""
    missing = SupabaseError("no_view", f"the view `{VIEW}` is missing: apply {MIGRATION} to have PostgreSQL count "
                                       "the conversations", f"Supabase {session.settings.host}")
    rows = fetch_all_saying(session, VIEW, GROUP_COLUMNS, {"missing_table": missing}, order="group_id")  # PGRST205
    if not rows:
        return pd.DataFrame(columns=["persona", "emotional_arc", "status", "enrichment_status", "with_content",
                                     "conversations", "rated", "quality_sum"])
    raw = pd.DataFrame(rows)
    groups = pd.concat([raw, resolved_keys(raw, scaffolding)], axis=1)
    groups["quality_sum"] = pd.to_numeric(groups["quality_sum"], errors="coerce").fillna(0.0)
    groups.attrs["source"] = "view"
    return groups


def conversation_figures(session: SupabaseSession, scaffolding: source.Scaffolding | None = None
                         ) -> ConversationFigures:
    """The conversations table in figures: from the view, or (without the migration) from every row
    (`scaffolding`: the scaffolding tables, when the caller has read them already)."""
    scaffolding = source.read_scaffolding(session) if scaffolding is None else scaffolding
    try:
        return figures_from_groups(read_groups(session, scaffolding))
    except SupabaseError as exc:
        if exc.finding.code != "no_view":
            raise
    return figures_from_groups(groups_from_index(source.read_conversation_index(session, scaffolding)))


def conversations_page(session: SupabaseSession, limit: int) -> tuple[ConversationFigures, pd.DataFrame]:
    """What the Supabase page shows of the conversations: their figures and the newest `limit` rows,
    the scaffolding read once for both."""
    scaffolding = source.read_scaffolding(session)
    return (conversation_figures(session, scaffolding),
            source.read_newest_conversations(session, limit, scaffolding))
