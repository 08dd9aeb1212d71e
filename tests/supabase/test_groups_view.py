"""The conversations table in figures, computed by PostgreSQL (`conversation_groups`, the #23 migration),
against the real PostgREST: the same figures as every row gives, in one grouped read, under the
table's own row level security; and, without the migration, the same figures from the rows."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pandas as pd
import psycopg
import pytest

from services.supabase import groups_view
from services.supabase import source as supabase_source
from services.supabase.client import connect
from services.supabase.config import settings_from
from services.supabase.errors import SupabaseError
from tests.support.supabase_stack import MIGRATIONS

MIGRATION = groups_view.MIGRATION


def _from_rows(session) -> groups_view.ConversationFigures:
    index = supabase_source.read_conversation_index(session)
    return groups_view.figures_from_groups(groups_view.groups_from_index(index))


def _cells(figures: groups_view.ConversationFigures) -> pd.DataFrame:
    return figures.cells.sort_values(["persona", "emotional_arc"]).reset_index(drop=True)


def test_the_view_gives_the_figures_every_row_gives(supabase, supabase_session):
    rows = _from_rows(supabase_session)
    supabase.gateway.clear()
    view = groups_view.conversation_figures(supabase_session)
    assert view.source == "view" and rows.source == "rows"
    assert (view.total, view.with_content, view.approved) == (rows.total, rows.with_content, rows.approved)
    assert view.total == supabase.facts.conversations and view.with_content == 320
    assert view.by_enrichment.sort_values("enrichment_status").reset_index(drop=True).equals(
        rows.by_enrichment.sort_values("enrichment_status").reset_index(drop=True))
    pd.testing.assert_frame_equal(_cells(view), _cells(rows), check_dtype=False)
    assert len(view.cells) > 3 and view.cells["quality"].notna().any()
    # One grouped read, not a hundred pages of rows: the conversations table itself is not read.
    assert supabase.gateway.count("/rest/v1/conversation_groups") == 1
    assert supabase.gateway.count("/rest/v1/conversations") == 0


def test_the_view_keeps_the_tables_row_level_security(supabase):
    """The view is granted as the table is, and reads `conversations` with the caller's rights
    (`security_invoker`): the anon key is refused; a signed-in user's key sees what the table's policy shows."""
    def session(role: str):
        return connect(settings_from({"url": supabase.url, "key": supabase.key(role)}, backoff=0.05, timeout=5))

    anon, user = session("anon"), session("authenticated")
    try:
        with pytest.raises(SupabaseError) as refused:
            groups_view.read_groups(anon, {})
        assert refused.value.finding.code == "no_permission"
        assert groups_view.figures_from_groups(groups_view.read_groups(user, {})).total == supabase.facts.conversations
    finally:
        anon.close()
        user.close()


@pytest.fixture
def without_view(supabase) -> Iterator[None]:
    """The project as it was before the migration (the view dropped, PostgREST told), then restored."""
    migration = (MIGRATIONS / MIGRATION.rsplit("/", 1)[-1]).read_text()
    with psycopg.connect(supabase.db_uri, autocommit=True) as db:
        db.execute("DROP VIEW conversation_groups")
        db.execute("NOTIFY pgrst, 'reload schema'")
    try:
        yield
    finally:
        with psycopg.connect(supabase.db_uri, autocommit=True) as db:
            db.execute(migration)
            db.execute("NOTIFY pgrst, 'reload schema'")
        _wait_for_view(supabase, present=True)


def _wait_for_view(supabase, present: bool) -> None:
    session = connect(settings_from({"url": supabase.url, "key": supabase.key()}, backoff=0.05, timeout=5))
    deadline = time.monotonic() + 20
    try:
        while time.monotonic() < deadline:
            try:
                groups_view.read_groups(session, {})
                if present:
                    return
            except SupabaseError as exc:
                if not present and exc.finding.code == "no_view":
                    return
            time.sleep(0.2)
    finally:
        session.close()
    raise AssertionError(f"PostgREST did not {'find' if present else 'lose'} the view within 20 s")


def test_without_the_migration_the_figures_come_from_the_rows_and_say_so(supabase, supabase_session, without_view):
    _wait_for_view(supabase, present=False)
    with pytest.raises(SupabaseError, match=f"apply {MIGRATION}"):
        groups_view.read_groups(supabase_session, {})
    figures = groups_view.conversation_figures(supabase_session)
    assert figures.source == "rows"
    assert figures.total == supabase.facts.conversations and figures.with_content == 320


def test_the_newest_conversations_are_one_request_newest_first(supabase, supabase_session):
    supabase.gateway.clear()
    newest = supabase_source.read_newest_conversations(supabase_session, limit=50)
    assert len(newest) == 50
    assert supabase.gateway.count("/rest/v1/conversations") == 1
    with psycopg.connect(supabase.db_uri) as db:
        (cutoff,) = db.execute("SELECT created_at FROM conversations ORDER BY created_at DESC, id "
                               "OFFSET 49 LIMIT 1").fetchone()
    assert newest["created_at"].min() == pd.Timestamp(cutoff)
