"""The studio's migrations sit where the Supabase CLI looks for them, named as it names them, so
`supabase db push` applies every pending one in the order the tests apply them."""

from __future__ import annotations

import re

from tests.support.supabase_stack import MIGRATIONS, ROOT, SCHEMA

# A migration file as `supabase migration new` writes it: `<version>_<name>.sql`, the version a 14-digit
# UTC timestamp (YYYYMMDDHHMMSS) that orders the files and that the CLI records once applied.
CLI_NAME = re.compile(r"^(\d{14})_[a-z0-9_]+\.sql$")


def test_every_migration_is_named_as_the_supabase_cli_names_it():
    names = [p.name for p in MIGRATIONS.iterdir()]
    assert MIGRATIONS == ROOT / "supabase" / "migrations" and names
    assert [n for n in names if not CLI_NAME.match(n)] == []
    stamps = [CLI_NAME.match(n).group(1) for n in names]
    assert len(set(stamps)) == len(stamps)  # one version each: the CLI records them by timestamp


def test_the_platforms_schema_is_kept_apart_from_the_studios_migrations():
    assert SCHEMA.parent != MIGRATIONS and SCHEMA.is_file()
    assert "CREATE TABLE" in SCHEMA.read_text() and "training_files" in SCHEMA.read_text()
