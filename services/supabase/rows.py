"""The rows the studio reads from Supabase, as typed models and tables.

Only the columns the studio uses are selected (a conversations row in production carries
large JSONB columns it does not need). Every nullable column may be NULL.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

import pandas as pd
from pydantic import BaseModel, Field, field_validator

TRAINING_FILE_COLUMNS = (
    "id,name,description,json_file_path,jsonl_file_path,storage_bucket,conversation_count,total_training_pairs,"
    "json_file_size,avg_quality_score,min_quality_score,max_quality_score,human_reviewed_count,"
    "scaffolding_distribution,status,created_at,updated_at,last_updated_at"
)
CONVERSATION_COLUMNS = (
    "id,conversation_id,persona_key,emotional_arc_key,topic_key,persona_id,emotional_arc_id,training_topic_id,"
    "snapshot_persona:scaffolding_snapshot->>persona_key,snapshot_arc:scaffolding_snapshot->>emotional_arc_key,"
    "snapshot_topic:scaffolding_snapshot->>training_topic_key,"
    "conversation_name,turn_count,tier,quality_score,status,enrichment_status,enriched_file_path,storage_bucket,"
    "created_at"
)
# table → (key column, name column): the scaffolding tables that give keys their names
SCAFFOLDING: dict[str, tuple[str, str]] = {
    "personas": ("persona_key", "name"),
    "emotional_arcs": ("arc_key", "name"),
    "training_topics": ("topic_key", "name"),
}
INDEX_COLUMNS = ["conversation_id", "conversation_name", "persona_key", "persona", "emotional_arc_key",
                 "emotional_arc", "training_topic_key", "training_topic", "turns", "quality", "tier", "status",
                 "enrichment_status", "enriched_file_path", "bucket", "created_at"]


class TrainingFileRow(BaseModel):
    """One row of `training_files`: what the platform says about an export it wrote."""

    id: str
    name: str
    description: str | None = None
    json_file_path: str
    jsonl_file_path: str | None = None
    storage_bucket: str = "training-files"
    conversation_count: int = 0
    total_training_pairs: int = 0
    json_file_size: int | None = None
    avg_quality_score: float | None = None
    min_quality_score: float | None = None
    max_quality_score: float | None = None
    human_reviewed_count: int | None = None
    scaffolding_distribution: dict[str, dict[str, int]] = Field(default_factory=dict)
    status: str = "active"
    created_at: datetime | None = None
    updated_at: datetime | None = None
    last_updated_at: datetime | None = None

    @field_validator("storage_bucket", mode="before")
    @classmethod
    def _bucket_default(cls, value: Any) -> Any:
        return value or "training-files"

    @field_validator("scaffolding_distribution", mode="before")
    @classmethod
    def _distribution(cls, value: Any) -> Any:
        """Keep only the well-formed part: {dimension: {key: count}}; NULL and junk become empty."""
        if not isinstance(value, dict):
            return {}
        return {dim: {str(k): int(n) for k, n in counts.items() if isinstance(n, int | float)}
                for dim, counts in value.items() if isinstance(counts, dict)}

    @property
    def date(self) -> datetime | None:
        """When the file last changed, as far as the row says."""
        return self.last_updated_at or self.created_at

    @property
    def quality_summary(self) -> str:
        """The row's quality figures in words, for the picker."""
        if self.avg_quality_score is None:
            return "quality not recorded"
        spread = (f" ({self.min_quality_score:g}–{self.max_quality_score:g})"
                  if self.min_quality_score is not None and self.max_quality_score is not None else "")
        return f"quality {self.avg_quality_score:.2f}{spread}"

    def label(self) -> str:
        """One line for a picker: name, counts, quality, status, date."""
        when = f" · {self.date:%Y-%m-%d}" if self.date else ""
        return (f"{self.name} — {self.conversation_count:,} conversations · {self.total_training_pairs:,} pairs · "
                f"{self.quality_summary} · {self.status}{when}")

    def version_stamp(self) -> str:
        """Changes whenever the stored file may have changed: part of a download's cache key."""
        parts = (self.id, self.json_file_path, self.json_file_size, self.updated_at, self.last_updated_at)
        return hashlib.sha256(repr(parts).encode()).hexdigest()[:16]


def training_file_table(files: list[TrainingFileRow]) -> pd.DataFrame:
    """The training files as a table for the picker."""
    return pd.DataFrame([{
        "name": f.name, "conversations": f.conversation_count, "training pairs": f.total_training_pairs,
        "avg quality": f.avg_quality_score, "min quality": f.min_quality_score, "max quality": f.max_quality_score,
        "status": f.status, "date": f.date, "id": f.id,
    } for f in files], columns=["name", "conversations", "training pairs", "avg quality", "min quality",
                                "max quality", "status", "date", "id"])


def _first_present(*series: pd.Series) -> pd.Series:
    out = series[0]
    for more in series[1:]:
        out = out.where(out.notna() & (out != ""), more)
    return out


def conversation_index(rows: list[dict[str, Any]], scaffolding: dict[str, list[dict[str, Any]]]) -> pd.DataFrame:
    """One row per conversation with its keys resolved and named.

    A key comes from its column, else from `scaffolding_snapshot`, else from the foreign key;
    the name comes from the scaffolding table (the key itself when the table does not know it).
    """
    if not rows:
        return pd.DataFrame(columns=INDEX_COLUMNS)
    raw = pd.DataFrame(rows)
    out = pd.DataFrame({"conversation_id": raw["conversation_id"].astype(str),
                        "conversation_name": raw.get("conversation_name")})
    for table, column, snapshot, fk, key_name, label in (
        ("personas", "persona_key", "snapshot_persona", "persona_id", "persona_key", "persona"),
        ("emotional_arcs", "emotional_arc_key", "snapshot_arc", "emotional_arc_id", "emotional_arc_key",
         "emotional_arc"),
        ("training_topics", "topic_key", "snapshot_topic", "training_topic_id", "training_topic_key",
         "training_topic"),
    ):
        key_column, name_column = SCAFFOLDING[table]
        known = scaffolding.get(table, [])
        key_by_id = {r["id"]: r[key_column] for r in known}
        name_by_key = {r[key_column]: r[name_column] for r in known}
        keys = _first_present(raw[column], raw[snapshot], raw[fk].map(key_by_id))
        out[key_name] = keys
        out[label] = keys.map(name_by_key).fillna(keys)
    out["turns"] = raw["turn_count"].fillna(0).astype(int)
    out["quality"] = pd.to_numeric(raw["quality_score"], errors="coerce")
    out["tier"] = raw["tier"]
    out["status"] = raw["status"]
    out["enrichment_status"] = raw["enrichment_status"]
    out["enriched_file_path"] = raw["enriched_file_path"].where(raw["enriched_file_path"] != "")
    out["bucket"] = raw["storage_bucket"].fillna("conversation-files")
    out["created_at"] = pd.to_datetime(raw["created_at"], errors="coerce", utc=True)
    return out[INDEX_COLUMNS]
