"""Supabase as a dataset source: training files, all conversations, and what they disagree on.

Two ways in, both ending in the same `LoadedDataset` a file gives:
- a training file: its row from `training_files`, its JSON streamed from Storage, the loader,
  then the row and `training_file_conversations` checked against the JSON;
- all conversations: the `conversations` table as an index (keys and names resolved), and the
  content of chosen conversations fetched from their `enriched.json` files, concurrently.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from services.dataset.keys import ScaffoldingNames
from services.dataset.loader import LoadedDataset, load_dataset, load_enriched_files
from services.supabase import consistency
from services.supabase import storage as supabase_storage
from services.supabase.client import SupabaseSession, call
from services.supabase.consistency import ConsistencyCheck
from services.supabase.errors import SupabaseError
from services.supabase.rows import (
    CONVERSATION_COLUMNS,
    SCAFFOLDING,
    TEMPLATE_COLUMNS,
    TRAINING_FILE_COLUMNS,
    TrainingFileRow,
    conversation_index,
    recorded_keys,
    scaffolding_columns,
    scaffolding_names,
)
from services.supabase.tables import fetch_all

URI_SCHEME = "supabase://"
Progress = supabase_storage.Progress


@dataclass(frozen=True)
class SupabaseTarget:
    """What a `supabase://` address names: a training file (by name or id) or all conversations."""

    kind: Literal["training_file", "conversations"]
    ident: str = ""


def parse_uri(uri: str) -> SupabaseTarget:
    """`supabase://training-files/<name-or-id>` or `supabase://conversations`."""
    rest = uri.removeprefix(URI_SCHEME).strip("/")
    head, _, tail = rest.partition("/")
    if head == "training-files" and tail:
        return SupabaseTarget("training_file", tail)
    if head == "conversations" and not tail:
        return SupabaseTarget("conversations")
    raise SupabaseError("bad_address", "expected supabase://training-files/<name or id> or "
                                       "supabase://conversations", uri)


def _require_visible(session: SupabaseSession, table: str, rows: int) -> None:
    """Row level security hides rows without an error: with no rows and a key of the anon role,
    the honest explanation is a permission problem, not an empty project."""
    role = session.settings.role
    if rows == 0 and role in {"anon", None}:
        shown = f"role `{role}`" if role else "a key whose role cannot be read"
        raise SupabaseError(
            "no_permission",
            f"no rows of `{table}` are visible with {shown}: row level security gives that role no rows "
            "(not an error). Use a signed-in user's key or the service role key.",
            f"Supabase {session.settings.host}, table `{table}`")


# --- training files ------------------------------------------------------------------------
def list_training_files(session: SupabaseSession) -> list[TrainingFileRow]:
    """Newest first."""
    rows = fetch_all(session, "training_files", TRAINING_FILE_COLUMNS)
    _require_visible(session, "training_files", len(rows))
    files = [TrainingFileRow.model_validate(r) for r in rows]
    return sorted(files, key=lambda f: (f.date.timestamp() if f.date else 0.0, f.id), reverse=True)


def find_training_file(files: list[TrainingFileRow], ident: str) -> TrainingFileRow:
    """By id, else by exact name, else by name ignoring case."""
    for match in (lambda f: f.id == ident, lambda f: f.name == ident,
                  lambda f: f.name.casefold() == ident.casefold()):
        found = [f for f in files if match(f)]
        if len(found) == 1:
            return found[0]
    names = ", ".join(f"`{f.name}`" for f in files[:10]) or "none"
    raise SupabaseError("no_such_training_file", f"no training file is named or has the id `{ident}`; "
                                                 f"there are: {names}", "training_files")


def training_file_members(session: SupabaseSession, file_id: str) -> list[str]:
    """The ids of the conversations the database lists as members of a training file."""
    rows = fetch_all(session, "training_file_conversations", "id,conversation_id",
                     filters=[lambda q: q.eq("training_file_id", file_id)])
    return [str(r["conversation_id"]) for r in rows]


def download_training_file(session: SupabaseSession, row: TrainingFileRow, dest: Path,
                           progress: Progress | None = None) -> Path:
    """Download a training file's JSON from Storage to `dest`, with progress."""
    return supabase_storage.download_to(session, row.storage_bucket, row.json_file_path, dest, progress)


def load_downloaded(session: SupabaseSession, row: TrainingFileRow, path: Path,
                    ) -> tuple[LoadedDataset, list[ConsistencyCheck]]:
    """Load a downloaded training file and check its row and membership against it.

    The disagreements are added to the dataset's own report, so every page and `stats` see them.
    """
    dataset = load_dataset(path, name=f"{row.name} (Supabase)", scaffolding_names=read_scaffolding_names(session))
    checks = consistency.compare(row, training_file_members(session, row.id), dataset)
    dataset.report.findings.extend(consistency.findings(checks))
    return dataset, checks


def load_training_file(session: SupabaseSession, ident: str, progress: Progress | None = None,
                       ) -> tuple[LoadedDataset, list[ConsistencyCheck]]:
    """Everything in one call, for the command line: the download lives in a temporary folder."""
    row = find_training_file(list_training_files(session), ident)
    with tempfile.TemporaryDirectory(prefix="lead-magnet-studio-") as folder:
        path = download_training_file(session, row, Path(folder) / "training.json", progress)
        return load_downloaded(session, row, path)


# --- all conversations ---------------------------------------------------------------------
Scaffolding = dict[str, list[dict[str, Any]]]  # table → its rows (personas, emotional_arcs, training_topics)


def read_scaffolding(session: SupabaseSession) -> Scaffolding:
    """The personas, arcs and topics tables (ids, keys, names): they name keys and recover them."""
    return {table: fetch_all(session, table, scaffolding_columns(table)) for table in SCAFFOLDING}


def read_scaffolding_templates(session: SupabaseSession) -> list[dict[str, Any]]:
    """The `prompt_templates` table (ids, names, tiers, the arc each generates): the batch body's `templateId`."""
    return fetch_all(session, "prompt_templates", TEMPLATE_COLUMNS)


def read_scaffolding_names(session: SupabaseSession) -> ScaffoldingNames | None:
    """The scaffolding as names → key, or None when its tables cannot be read (the keys then come
    from the other rules; nothing is guessed from a table the studio could not see)."""
    try:
        return scaffolding_names(read_scaffolding(session))
    except SupabaseError:
        return None


def read_conversation_index(session: SupabaseSession, scaffolding: Scaffolding | None = None) -> pd.DataFrame:
    """Every conversation row with its persona, arc and topic names: what is there to load
    (`scaffolding`: the scaffolding tables, when the caller has read them already)."""
    scaffolding = read_scaffolding(session) if scaffolding is None else scaffolding
    rows = fetch_all(session, "conversations", CONVERSATION_COLUMNS)
    _require_visible(session, "conversations", len(rows))
    return conversation_index(rows, scaffolding)


def read_newest_conversations(session: SupabaseSession, limit: int = 1000,
                              scaffolding: Scaffolding | None = None) -> pd.DataFrame:
    """The newest `limit` conversation rows, keys resolved (one request: what a page lists to preview)."""
    scaffolding = read_scaffolding(session) if scaffolding is None else scaffolding
    result = call(session, "table `conversations`", lambda: session.client.table("conversations").select(
        CONVERSATION_COLUMNS).order("created_at", desc=True).order("id").limit(limit).execute())
    return conversation_index([dict(row) for row in result.data if isinstance(row, dict)], scaffolding)


def loadable(index: pd.DataFrame) -> pd.DataFrame:
    """The conversations whose content exists (an enriched file is recorded)."""
    return index[index["enriched_file_path"].notna()]


def load_conversations(session: SupabaseSession, index: pd.DataFrame, name: str = "conversations (Supabase)",
                       progress: Progress | None = None) -> LoadedDataset:
    """Fetch the enriched files of the rows given (concurrently) and load them as one dataset.

    A file that is missing or unreadable costs its conversation and is named in the report.
    """
    rows = loadable(index)
    if rows.empty:
        raise SupabaseError("no_content", "none of these conversations has an enriched file yet",
                            "conversations.enriched_file_path")
    objects = list(zip(rows["bucket"], rows["enriched_file_path"], strict=True))
    results = supabase_storage.fetch_many(session, objects, progress)
    files, failures = [], []
    for cid, (bucket, path), result in zip(rows["conversation_id"], objects, results, strict=True):
        if isinstance(result, SupabaseError):
            failures.append((cid, f"{bucket}/{path}", result))
        else:
            files.append((cid, f"{bucket}/{path}", result))
    if not files:
        raise failures[0][2]
    dataset = load_enriched_files(files, name, scaffolding_names=read_scaffolding_names(session),
                                  recorded=recorded_keys(rows))
    for cid, where, error in failures:
        dataset.report.add("error", "conversation_dropped", f"not loaded: {error.finding.message}",
                           f"{where} (conversation {cid})")
        dataset.report.dropped_conversations.append(cid)
    return dataset


def preview_conversation(session: SupabaseSession, row: pd.Series) -> LoadedDataset:
    """One conversation's content: what a preview needs, without fetching the others."""
    return load_conversations(session, row.to_frame().T, name=f"conversation {row['conversation_id']}")


def load_target(session: SupabaseSession, target: SupabaseTarget, progress: Progress | None = None,
                ) -> LoadedDataset:
    """A dataset from a `supabase://` target: a training file, or all conversations."""
    if target.kind == "training_file":
        return load_training_file(session, target.ident, progress)[0]
    return load_conversations(session, read_conversation_index(session), progress=progress)

