"""When the studio first saw each liker: the Hub lists a repo's likers without a time, so a like's
date is the first read that found it (Supabase `liker_sightings`, or `releases/likers.jsonl`)."""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from pydantic import BaseModel, Field

from services.feedback.models import RepoFeedback
from services.supabase.client import SupabaseSession
from services.supabase.log import TableLog
from services.utils.jsonl import JsonlLog

ENV_PATH = "STUDIO_LIKERS_FILE"
DEFAULT_PATH = Path("releases/likers.jsonl")
TABLE = "liker_sightings"


class LikerSighting(BaseModel):
    first_seen: datetime = Field(default_factory=lambda: datetime.now(UTC))
    repo_id: str
    username: str


class SightingStore(Protocol):
    where: str

    def append(self, record: LikerSighting) -> None:
        """Keep one sighting."""

    def read(self) -> list[LikerSighting]:
        """Every sighting kept."""


def jsonl_sightings(path: Path | None = None) -> JsonlLog[LikerSighting]:
    """The local file (`STUDIO_LIKERS_FILE` moves it)."""
    return JsonlLog(Path(path or os.environ.get(ENV_PATH) or DEFAULT_PATH), LikerSighting)


def supabase_sightings(session: SupabaseSession) -> TableLog[LikerSighting]:
    """The `liker_sightings` table."""
    return TableLog(session, TABLE, LikerSighting)


def record(store: SightingStore, repos: Iterable[RepoFeedback], now: datetime | None = None) -> list[LikerSighting]:
    """Every liker of every repo read, with the first time it was seen (new ones are kept now)."""
    kept = {(s.repo_id, s.username): s for s in store.read()}
    at = now or datetime.now(UTC)
    for repo in repos:
        if repo.error is not None and not repo.likers:
            continue  # not read: nothing can be said about its likers
        for user in repo.likers:
            if (repo.repo_id, user) not in kept:
                sighting = LikerSighting(first_seen=at, repo_id=repo.repo_id, username=user)
                store.append(sighting)
                kept[(repo.repo_id, user)] = sighting
    return sorted(kept.values(), key=lambda s: (s.first_seen, s.repo_id, s.username))
