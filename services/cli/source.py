"""Where a command's data comes from: an export file, the demo dataset, or a `supabase://` address."""

from __future__ import annotations

from pathlib import Path

from services.cli import DEMO_SOURCE
from services.dataset.loader import LoadedDataset, load_dataset

# services.supabase.source.URI_SCHEME, named here so that a file path needs no Supabase import
# (a test holds them equal)
SUPABASE_SCHEME = "supabase://"


def load(path: str, scaffolding: str | None = None) -> LoadedDataset:
    """The dataset a command works on (raises the loader's or Supabase's error, mapped by the CLI).
    `scaffolding`: a scaffolding file whose names give keys to conversations that have only names."""
    names = None
    if scaffolding:
        from services.dataset.scaffolding import read_scaffolding

        names = read_scaffolding(scaffolding).names()
    if path == DEMO_SOURCE and not Path(path).exists():
        from services.demo import generator as demo

        return load_dataset(demo.demo_bytes(), "demo dataset", scaffolding_names=names)
    if path.startswith(SUPABASE_SCHEME):
        return _load_supabase(path)
    return load_dataset(path, scaffolding_names=names)


def _load_supabase(uri: str) -> LoadedDataset:
    """`supabase://…`, with the project from SUPABASE_URL / SUPABASE_KEY."""
    from services.supabase import source as supabase_source
    from services.supabase.client import connect
    from services.supabase.config import ENV_KEY, ENV_URL, settings_from_env
    from services.supabase.errors import SupabaseConfigError

    target = supabase_source.parse_uri(uri)
    settings = settings_from_env()
    if settings is None:
        raise SupabaseConfigError(f"{uri} needs {ENV_URL} and {ENV_KEY} in the environment")
    session = connect(settings)
    try:
        return supabase_source.load_target(session, target)
    finally:
        session.close()
