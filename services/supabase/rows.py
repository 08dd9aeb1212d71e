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

from services.dataset.keys import Dimension, RecordedKeys, ScaffoldingNames, slug

TRAINING_FILE_COLUMNS = (
    "id,name,description,json_file_path,jsonl_file_path,storage_bucket,conversation_count,total_training_pairs,"
    "json_file_size,avg_quality_score,min_quality_score,max_quality_score,human_reviewed_count,"
    "scaffolding_distribution,status,created_at,updated_at,last_updated_at"
)
CONVERSATION_COLUMNS = (
    "id,conversation_id,persona_key,emotional_arc_key,topic_key,persona_id,emotional_arc_id,training_topic_id,"
    "snapshot_persona:scaffolding_snapshot->>persona_key,snapshot_arc:scaffolding_snapshot->>emotional_arc_key,"
    "snapshot_topic:scaffolding_snapshot->>training_topic_key,"
    "snapshot_persona_name:scaffolding_snapshot->>persona_name,snapshot_arc_name:scaffolding_snapshot->>emotional_arc,"
    "snapshot_topic_name:scaffolding_snapshot->>training_topic,"
    "conversation_name,turn_count,tier,quality_score,status,enrichment_status,enriched_file_path,storage_bucket,"
    "created_at"
)
# table → (key column, name columns: the display name first): the scaffolding tables that give keys names
SCAFFOLDING: dict[str, tuple[str, tuple[str, ...]]] = {
    "personas": ("persona_key", ("name", "archetype")),
    "emotional_arcs": ("arc_key", ("name",)),
    "training_topics": ("topic_key", ("name",)),
}
DIMENSION_OF: dict[str, Dimension] = {"personas": "persona", "emotional_arcs": "arc", "training_topics": "topic"}


_SCAFFOLDING_EXTRA = {"personas": ("is_active",), "emotional_arcs": ("tier", "is_active"),
                      "training_topics": ("category", "is_active")}
TEMPLATE_COLUMNS = "id,template_name,tier,emotional_arc_type"


def scaffolding_columns(table: str) -> str:
    """The columns of a scaffolding table the studio reads."""
    key, names = SCAFFOLDING[table]
    return ",".join(("id", key, *names, *_SCAFFOLDING_EXTRA[table]))


def scaffolding_names(scaffolding: dict[str, list[dict[str, Any]]]) -> ScaffoldingNames:
    """The scaffolding tables as names → key. A persona is also known as 'name - archetype', the way
    the exports write it."""
    rows: dict[Dimension, list[tuple[str, list[str | None]]]] = {}
    for table, (key, name_columns) in SCAFFOLDING.items():
        entries = []
        for row in scaffolding.get(table, []):
            names = [row.get(column) for column in name_columns]
            if table == "personas" and row.get("name") and row.get("archetype"):
                names.append(f"{row['name']} - {row['archetype']}")
            entries.append((str(row[key]), names))
        rows[DIMENSION_OF[table]] = entries
    return ScaffoldingNames.from_rows(rows)
INDEX_COLUMNS = ["conversation_id", "conversation_name", "persona_key", "persona", "emotional_arc_key",
                 "emotional_arc", "training_topic_key", "training_topic", "turns", "quality", "tier", "status",
                 "enrichment_status", "enriched_file_path", "bucket", "created_at"]
# The keys as the row itself records them (column, snapshot key or foreign key; None where it records none).
RECORDED_COLUMNS = ["recorded_persona_key", "recorded_emotional_arc_key", "recorded_training_topic_key"]


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
    return out.where(out.notna() & (out != ""))


# index column → (table, key column, snapshot key, foreign key, snapshot name, name label)
_INDEX_DIMENSIONS = (
    ("persona_key", "personas", "persona_key", "snapshot_persona", "persona_id", "snapshot_persona_name", "persona"),
    ("emotional_arc_key", "emotional_arcs", "emotional_arc_key", "snapshot_arc", "emotional_arc_id",
     "snapshot_arc_name", "emotional_arc"),
    ("training_topic_key", "training_topics", "topic_key", "snapshot_topic", "training_topic_id",
     "snapshot_topic_name", "training_topic"),
)


def _key_from_name(name: object, dim: Dimension, names: ScaffoldingNames) -> str | None:
    """A snapshot that holds only a name: the scaffolding row of that name, else the name's slug."""
    if not isinstance(name, str) or not name.strip():
        return None
    return names.key_for(dim, name) or slug(name) or None


def conversation_index(rows: list[dict[str, Any]], scaffolding: dict[str, list[dict[str, Any]]]) -> pd.DataFrame:
    """One row per conversation with its keys resolved and named.

    A key comes from its column, else from `scaffolding_snapshot`, else from the foreign key (the
    row's own record: what `recorded_keys` hands the loader); else from the snapshot's name, by the
    scaffolding row of that name or its slug (`services.dataset.keys`). The name comes from the
    scaffolding table (the key itself when the table does not know it). A key nothing gives is
    `unlabelled`.
    """
    if not rows:
        return pd.DataFrame(columns=INDEX_COLUMNS + RECORDED_COLUMNS)
    raw = pd.DataFrame(rows)
    out = pd.DataFrame({"conversation_id": raw["conversation_id"].astype(str),
                        "conversation_name": raw.get("conversation_name")})
    out = pd.concat([out, resolved_keys(raw, scaffolding)], axis=1)
    out["turns"] = raw["turn_count"].fillna(0).astype(int)
    out["quality"] = pd.to_numeric(raw["quality_score"], errors="coerce")
    out["tier"] = raw["tier"]
    out["status"] = raw["status"]
    out["enrichment_status"] = raw["enrichment_status"]
    out["enriched_file_path"] = raw["enriched_file_path"].where(raw["enriched_file_path"] != "")
    out["bucket"] = raw["storage_bucket"].fillna("conversation-files")
    out["created_at"] = pd.to_datetime(raw["created_at"], errors="coerce", utc=True)
    return out[INDEX_COLUMNS + RECORDED_COLUMNS]


def resolved_keys(raw: pd.DataFrame, scaffolding: dict[str, list[dict[str, Any]]]) -> pd.DataFrame:
    """Each row's persona, arc and topic: its key (`persona_key` …), its name (`persona` …) and the key
    as the row records it (`recorded_persona_key` …), by the rules `conversation_index` states. `raw`
    holds the columns `CONVERSATION_COLUMNS` names (conversation rows, or the groups of
    `conversation_groups`)."""
    names = scaffolding_names(scaffolding)
    out = pd.DataFrame(index=raw.index)
    for key_name, table, column, snapshot, fk, snapshot_name, label in _INDEX_DIMENSIONS:
        key_column, name_columns = SCAFFOLDING[table]
        known = scaffolding.get(table, [])
        key_by_id = {r["id"]: r[key_column] for r in known}
        name_by_key = {r[key_column]: r[name_columns[0]] for r in known}
        keys = _first_present(raw[column], raw.get(snapshot, pd.Series(None, index=raw.index)),
                              raw[fk].map(key_by_id))
        by_name = raw.get(snapshot_name, pd.Series(None, index=raw.index, dtype=object)).map(
            lambda n, dim=DIMENSION_OF[table]: _key_from_name(n, dim, names))
        out[f"recorded_{key_name}"] = keys
        keys = _first_present(keys, by_name).fillna("unlabelled")
        out[key_name] = keys
        named = keys.map(name_by_key).astype(object)
        out[label] = named.where(named.notna(), keys)
    return out


def recorded_keys(index: pd.DataFrame) -> dict[str, RecordedKeys]:
    """Each conversation's keys as its row records them (column, snapshot or foreign key), for the
    loader's `database` rule; a key the row does not record is None."""
    def present(value: object) -> str | None:
        return value if isinstance(value, str) and value else None

    return {str(cid): (present(p), present(a), present(t)) for cid, p, a, t in zip(
        index["conversation_id"], *(index[c] for c in RECORDED_COLUMNS), strict=True)}
