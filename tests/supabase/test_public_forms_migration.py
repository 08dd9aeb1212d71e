"""The public forms' migration upgrades a database that already holds leads and answers.

A fresh database of the same PostgreSQL gets the schema and every earlier migration, rows are
written the old way (anon inserting into the tables), then `20261207010000_public_forms.sql` is applied,
twice: the rows stay, anon loses its INSERT, and it may execute the two form functions and nothing
else of theirs.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import psycopg
import pytest
from psycopg.conninfo import make_conninfo

from tests.support.supabase_stack import MIGRATIONS, SCHEMA

FORMS = MIGRATIONS / "20261207010000_public_forms.sql"
OLD_LEAD = ("INSERT INTO leads (email, delivery_consent, marketing_consent, consent_version, space_id, tier) "
            "VALUES ('grace@example.org', true, true, '2026-11-27.2', 'brightrun/eq-100', 'eq-100')")
OLD_ANSWER = ("INSERT INTO feedback (message, space_id, tier) "
              "VALUES ('More Spanish, please', 'brightrun/eq-100', 'eq-100')")


@pytest.fixture
def old_database(supabase) -> Iterator[str]:
    """A database as it was before the migration, with a lead and an answer the page inserted."""
    name = f"upgrade_{secrets.token_hex(4)}"
    with psycopg.connect(supabase.db_uri, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    uri = make_conninfo(supabase.db_uri, dbname=name)
    try:
        with psycopg.connect(uri, autocommit=True) as db:
            db.execute(SCHEMA.read_text())
            for migration in sorted(MIGRATIONS.glob("*.sql")):
                if migration.name < FORMS.name:
                    db.execute(migration.read_text())
            db.execute("SET ROLE anon")
            db.execute(OLD_LEAD)
            db.execute(OLD_ANSWER)
            db.execute("RESET ROLE")
        yield uri
    finally:
        with psycopg.connect(supabase.db_uri, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _privilege(db: psycopg.Connection, query: str) -> bool:
    return bool(db.execute(query).fetchone()[0])


def test_the_migration_keeps_the_rows_and_takes_the_tables_from_anon(old_database):
    with psycopg.connect(old_database, autocommit=True) as db:
        before = (db.execute("SELECT id, created_at, email, marketing_consent FROM leads").fetchall(),
                  db.execute("SELECT id, created_at, message FROM feedback").fetchall())
        assert _privilege(db, "SELECT has_table_privilege('anon', 'leads', 'INSERT')")  # the old grant
        db.execute(FORMS.read_text())
        db.execute(FORMS.read_text())  # applied again: nothing changes, nothing fails
        after = (db.execute("SELECT id, created_at, email, marketing_consent FROM leads").fetchall(),
                 db.execute("SELECT id, created_at, message FROM feedback").fetchall())
        assert after == before and len(after[0]) == len(after[1]) == 1
        for table in ("leads", "feedback", "landing_pages"):
            assert not _privilege(db, f"SELECT has_table_privilege('anon', '{table}', 'INSERT')"), table
            assert not _privilege(db, f"SELECT has_table_privilege('anon', '{table}', 'SELECT')"), table
        assert db.execute("SELECT count(*) FROM pg_policies WHERE 'anon' = ANY(roles)").fetchone()[0] == 0
        functions = dict(db.execute(
            "SELECT p.oid::regprocedure::text, has_function_privilege('anon', p.oid, 'EXECUTE') FROM pg_proc p "
            "JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname IN ('public', 'private') "
            "AND (p.proname LIKE 'submit_%' OR p.proname LIKE 'form_%')").fetchall())
        assert {f for f, anon in functions.items() if anon} == {
            f for f in functions if f.startswith(("submit_lead(", "submit_feedback("))}
        assert len(functions) >= 7  # the two forms and their five helpers
        assert not _privilege(db, "SELECT has_schema_privilege('anon', 'private', 'USAGE')")
        definer = dict(db.execute("SELECT proname, prosecdef FROM pg_proc WHERE proname IN "
                                  "('submit_lead', 'submit_feedback')").fetchall())
        assert definer == {"submit_lead": True, "submit_feedback": True}
        configs = db.execute("SELECT proconfig FROM pg_proc WHERE proname IN ('submit_lead', 'submit_feedback')")
        assert all(any(c.startswith("search_path=") for c in row[0]) for row in configs.fetchall())
        db.execute("SET ROLE anon")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            db.execute(OLD_LEAD)
