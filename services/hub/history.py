"""Every publish, and every refused or failed one, recorded: in Supabase when it is configured
(`dataset_releases`, see db/migrations/), else in a local JSON-lines file.

A record is written after the outcome is known. A record that cannot be written does not undo a
release; the caller shows the error next to the release's own outcome.
"""

from __future__ import annotations

import json
import os
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal, Protocol

from pydantic import BaseModel, Field

from services.supabase.client import SupabaseSession, call
from services.supabase.tables import fetch_all

Outcome = Literal["published", "up_to_date", "refused", "failed"]
TABLE = "dataset_releases"
ENV_PATH = "STUDIO_RELEASES_FILE"
DEFAULT_PATH = Path("releases/history.jsonl")


class ReleaseRecord(BaseModel):
    released_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    actor: str = Field(description="who pressed publish: the signed-in email, or the Hub account")
    tier: str
    repo_id: str
    outcome: Outcome
    commit_sha: str | None = None
    tag: str | None = None
    url: str | None = None
    plan_name: str | None = None
    plan_sha256: str | None = None
    conversations: int | None = None
    supervised_examples: int | None = None
    overrides: list[str] = Field(default_factory=list, description="checks overridden, with who and why")
    message: str = ""


class History(Protocol):
    """Where release records are kept: Supabase when configured, a local JSONL file otherwise."""

    where: str  # said on the Releases page: where the record is

    def append(self, record: ReleaseRecord) -> None:
        """Keep one more record."""

    def read(self) -> list[ReleaseRecord]:
        """Every record, newest first."""


class JsonlHistory:
    """One JSON object per line, appended with a flush and fsync (a crash loses at most the line
    being written, which `read` then skips)."""

    _lock = threading.Lock()

    def __init__(self, path: Path | None = None) -> None:
        self.path = Path(path or os.environ.get(ENV_PATH) or DEFAULT_PATH)
        self.where = f"local file {self.path}"

    def append(self, record: ReleaseRecord) -> None:
        """Add one record as a line, flushed and synced (a torn last line is skipped by `read`)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = record.model_dump_json() + "\n"
        with self._lock, self.path.open("a", encoding="utf-8") as out:
            out.write(line)
            out.flush()
            os.fsync(out.fileno())

    def read(self) -> list[ReleaseRecord]:
        """Every record, newest first; a damaged line is skipped, not fatal."""
        if not self.path.exists():
            return []
        records = []
        for line in self.path.read_text(encoding="utf-8").splitlines():
            try:
                records.append(ReleaseRecord.model_validate_json(line))
            except ValueError:
                continue  # a torn last line
        return sorted(records, key=lambda r: r.released_at, reverse=True)


class SupabaseHistory:
    """The `dataset_releases` table (the studio's one write to Supabase)."""

    def __init__(self, session: SupabaseSession) -> None:
        self.session = session
        self.where = f"Supabase table `{TABLE}` ({session.settings.host})"

    def append(self, record: ReleaseRecord) -> None:
        """Insert one record into the `dataset_releases` table."""
        row = json.loads(record.model_dump_json())
        call(self.session, f"table `{TABLE}`", lambda: self.session.client.table(TABLE).insert(row).execute())

    def read(self) -> list[ReleaseRecord]:
        """Every record in the table, newest first."""
        rows = fetch_all(self.session, TABLE, "*")
        return sorted((ReleaseRecord.model_validate(r) for r in rows), key=lambda r: r.released_at, reverse=True)


def latest_published(records: list[ReleaseRecord], tier: str) -> ReleaseRecord | None:
    """The newest record of `tier` that reached the Hub (published, or already up to date there)."""
    landed = [r for r in records if r.tier == tier and r.outcome in {"published", "up_to_date"}]
    return max(landed, key=lambda r: r.released_at, default=None)
