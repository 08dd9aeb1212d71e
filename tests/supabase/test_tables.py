"""Whole-table reads through supabase-py, the real PostgREST (max 1,000 rows) and the gateway."""

from __future__ import annotations

import psycopg
import pytest

from services.supabase.client import connect
from services.supabase.config import settings_from
from services.supabase.errors import SupabaseError
from services.supabase.tables import fetch_all
from tests.support import jwt
from tests.support.supabase_gateway import Fault


def seeded_ids(stack) -> set[str]:
    with psycopg.connect(stack.db_uri) as db:
        return {str(r[0]) for r in db.execute("SELECT conversation_id FROM conversations")}


def session_for(stack, key: str | None = None, **overrides):
    settings = settings_from({"url": stack.url, "key": key or stack.key()},
                             **{"backoff": 0.05, "timeout": 5, **overrides})
    return connect(settings)


def test_every_row_arrives_past_the_1000_row_cap(supabase, supabase_session):
    rows = fetch_all(supabase_session, "conversations", "id,conversation_id")
    assert supabase.facts.conversations > 2500
    assert len(rows) == supabase.facts.conversations
    assert {r["conversation_id"] for r in rows} == seeded_ids(supabase)
    # one counted first page, then the rest: at least three requests for 2,600 rows
    assert supabase.gateway.count("/rest/v1/conversations") >= 3


def test_pages_follow_the_servers_cap_when_smaller_than_ours(supabase):
    session = session_for(supabase, page_size=250)
    rows = fetch_all(session, "conversations", "id,conversation_id")
    assert len({r["id"] for r in rows}) == supabase.facts.conversations
    assert supabase.gateway.count("/rest/v1/conversations") == -(-supabase.facts.conversations // 250)


def test_a_short_page_is_an_error_not_a_smaller_table(supabase, supabase_session):
    # A proxy (here the gateway) cuts the second page short, as a truncating server would.
    supabase.gateway.inject(Fault(prefix="/rest/v1/conversations", times=2, max_rows=1000))
    supabase.gateway.inject(Fault(prefix="/rest/v1/conversations", max_rows=10))
    with pytest.raises(SupabaseError) as err:
        fetch_all(supabase_session, "conversations", "id,conversation_id")
    assert err.value.finding.code == "incomplete"
    assert "Nothing was loaded" in str(err.value)


def test_filters_apply_to_every_page(supabase, supabase_session):
    release = supabase.facts.files["release"]
    rows = fetch_all(supabase_session, "training_file_conversations", "id,conversation_id",
                     filters=[lambda q: q.eq("training_file_id", release.id)])
    assert sorted(r["conversation_id"] for r in rows) == sorted(release.conversation_ids)


def test_anon_sees_no_rows_and_authenticated_sees_all(supabase):
    assert fetch_all(session_for(supabase, supabase.key("anon")), "conversations", "id") == []
    rows = fetch_all(session_for(supabase, supabase.key("authenticated")), "conversations", "id")
    assert len(rows) == supabase.facts.conversations


@pytest.mark.parametrize(("make_key", "code", "words"), [
    (lambda stack: jwt.api_key("service_role", "not-the-project-secret-but-as-long-as-one"), "bad_key",
     "not a key of this project"),
    (lambda stack: stack.key(lifetime=-3600), "bad_key", "expired"),
])
def test_a_refused_key_says_so_without_showing_it(supabase, make_key, code, words):
    key = make_key(supabase)
    with pytest.raises(SupabaseError) as err:
        fetch_all(session_for(supabase, key), "conversations", "id")
    assert err.value.finding.code == code
    assert words in str(err.value)
    assert key not in str(err.value) and key not in repr(err.value.finding)


def test_server_errors_are_retried_then_succeed(supabase, supabase_session):
    supabase.gateway.inject(Fault(prefix="/rest/v1/personas", status=503, times=2))
    rows = fetch_all(supabase_session, "personas", "id,persona_key")
    assert len(rows) == 3
    statuses = [s for _, p, s in supabase.gateway.requests if p.startswith("/rest/v1/personas")]
    assert statuses == [503, 503, 200]


def test_server_errors_that_persist_fail_clearly(supabase):
    supabase.gateway.inject(Fault(prefix="/rest/v1/personas", status=500, times=10))
    with pytest.raises(SupabaseError) as err:
        fetch_all(session_for(supabase, retries=2), "personas", "id")
    assert err.value.finding.code == "server_error"
    assert "HTTP 500" in str(err.value) and "tried 3 times" in str(err.value)


def test_a_dropped_connection_is_retried(supabase, supabase_session):
    supabase.gateway.inject(Fault(prefix="/rest/v1/personas", drop=True))
    assert len(fetch_all(supabase_session, "personas", "id")) == 3


def test_a_connection_that_keeps_dropping_fails_clearly(supabase):
    supabase.gateway.inject(Fault(prefix="/rest/v1/personas", drop=True, times=10))
    with pytest.raises(SupabaseError) as err:
        fetch_all(session_for(supabase, retries=1), "personas", "id")
    assert err.value.finding.code == "network"
    assert "connection broke off" in str(err.value)


def test_a_slow_server_times_out(supabase):
    supabase.gateway.inject(Fault(prefix="/rest/v1/personas", delay=2.0, times=2))
    with pytest.raises(SupabaseError) as err:
        fetch_all(session_for(supabase, timeout=0.5, retries=1), "personas", "id")
    assert err.value.finding.code == "timeout"
    assert "no answer within 0.5 s (tried 2 times)" in str(err.value)


def test_nothing_listening_at_the_url(supabase):
    from tests.support.streamlit_server import free_port
    session = connect(settings_from({"url": f"http://127.0.0.1:{free_port()}", "key": supabase.key()},
                                    retries=0))
    with pytest.raises(SupabaseError) as err:
        fetch_all(session, "conversations", "id")
    assert err.value.finding.code == "unreachable"
    assert "check the URL" in str(err.value)


def test_a_url_that_is_not_supabase(supabase):
    # PostgREST itself, without the gateway: /rest/v1/... does not exist there.
    session = connect(settings_from({"url": supabase.postgrest_url, "key": supabase.key()}, retries=0))
    with pytest.raises(SupabaseError) as err:
        fetch_all(session, "conversations", "id")
    assert err.value.finding.code in {"not_supabase", "missing_table"}
    assert supabase.key() not in str(err.value)
