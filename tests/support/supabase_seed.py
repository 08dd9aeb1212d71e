"""Seed a database loaded with `supabase/schema.sql`, and its Storage folder, the way the
conversation platform fills production.

From one demo export of N conversations:
- the scaffolding tables (personas, arcs, topics) and N `conversations` rows. A third of the rows
  keep their keys only in `scaffolding_snapshot` (key columns NULL), as production rows do; one in
  eleven (`names_only`) holds neither keys nor foreign keys, only the names in its snapshot, and its
  `enriched.json` leaves `input_parameters`' keys empty (the platform's early shape);
- the first `enriched` conversations are enriched: an `enriched.json` per conversation in the
  `conversation-files` bucket, the rest are not enriched yet (no file);
- four training files: two consistent ones, one whose row disagrees with its JSON ("drifted"),
  and one whose JSON is missing from Storage ("lost").
"""

from __future__ import annotations

import json
import uuid
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import psycopg

from services.dataset.tables import DEFAULT_EDGE_CASE_ARCS
from services.demo import catalog as cat
from services.demo import generator as demo

USER_ID = "5b0c1f7e-3f0e-4a4e-9d76-6f3f3bb0c001"


@dataclass(frozen=True)
class TrainingFileFacts:
    id: str
    name: str
    conversation_ids: tuple[str, ...]
    pairs: int


@dataclass(frozen=True)
class SeedFacts:
    conversations: int
    enriched_ids: tuple[str, ...]
    files: dict[str, TrainingFileFacts]  # by short label: release, pilot, drifted, lost


def _uuid(label: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"lead-magnet-studio/{label}"))


def _keys(conv: dict) -> dict:
    return conv["conversation_metadata"]["scaffolding"]


def _distribution(conversations: list[dict]) -> dict[str, dict[str, int]]:
    return {
        "personas": dict(Counter(_keys(c)["persona_key"] for c in conversations)),
        "emotional_arcs": dict(Counter(_keys(c)["emotional_arc_key"] for c in conversations)),
        "training_topics": dict(Counter(_keys(c)["training_topic_key"] for c in conversations)),
    }


def _pairs(conversations: list[dict]) -> int:
    return sum(len(c["training_pairs"]) for c in conversations)


def names_only(index: int) -> bool:
    """The rows whose snapshot holds only names (no key columns, no foreign keys)."""
    return index % 11 == 5


def _persona_label(key: str) -> str:
    """A persona as the early exports name it: 'Jennifer Martinez - The Anxious Planner'."""
    persona = next(p for p in cat.PERSONAS if p.key == key)
    return f"{persona.name} - {persona.archetype}"


def enriched_file(conv: dict, early: bool = False) -> dict:
    """One conversation as the platform stores it per conversation (`enriched.json`); `early`: its
    `input_parameters` keys empty, the names filled (the keys are on its pairs only)."""
    meta, keys = conv["conversation_metadata"], _keys(conv)
    blank = early
    return {
        "dataset_metadata": {
            "dataset_name": f"fp_conversation_{meta['conversation_id']}", "version": "1.0.0",
            "created_date": meta["created_date"], "vertical": "financial_planning_consultant",
            "quality_tier": meta["quality_tier"], "total_conversations": 1, "total_turns": meta["total_turns"],
        },
        "consultant_profile": cat.CONSULTANT_PROFILE,
        "training_pairs": conv["training_pairs"],
        "input_parameters": {
            "persona_key": "" if blank else keys["persona_key"], "persona_name": keys["persona_name"],
            "emotional_arc_key": "" if blank else keys["emotional_arc_key"],
            "emotional_arc_name": keys["emotional_arc"],
            "training_topic_key": "" if blank else keys["training_topic_key"],
            "training_topic_name": keys["training_topic"],
        },
    }


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _quality(conv: dict) -> float:
    scores = [p["training_metadata"]["quality_score"] for p in conv["training_pairs"]]
    return round(sum(scores) / len(scores), 2)


def seed(db_uri: str, storage_root: Path, n_conversations: int = 2600, enriched: int = 320) -> SeedFacts:
    export = demo.generate(n_conversations)
    conversations = export["conversations"]
    with psycopg.connect(db_uri, autocommit=True) as db:
        db.execute("INSERT INTO auth.users (id, email) VALUES (%s, 'owner@example.com')", (USER_ID,))
        ids = _seed_scaffolding(db)
        _seed_conversations(db, storage_root, conversations, ids, enriched)
        files = _seed_training_files(db, storage_root, conversations, export["consultant_profile"])
    enriched_ids = tuple(c["conversation_metadata"]["conversation_id"] for c in conversations[:enriched])
    return SeedFacts(conversations=len(conversations), enriched_ids=enriched_ids, files=files)


def _seed_scaffolding(db: psycopg.Connection) -> dict[str, str]:
    ids: dict[str, str] = {}
    with db.cursor() as cur:
        for p in cat.PERSONAS:
            ids[p.key] = _uuid(f"persona/{p.key}")
            cur.execute("INSERT INTO personas (id, persona_key, name, archetype) VALUES (%s, %s, %s, %s)",
                        (ids[p.key], p.key, p.name, p.archetype))
        for a in cat.ARCS:
            ids[a.key] = _uuid(f"arc/{a.key}")
            tier = "edge_case" if a.key in DEFAULT_EDGE_CASE_ARCS else "template"
            cur.execute("INSERT INTO emotional_arcs (id, arc_key, name, tier) VALUES (%s, %s, %s, %s)",
                        (ids[a.key], a.key, a.name, tier))
        for t in cat.TOPICS:
            ids[t.key] = _uuid(f"topic/{t.key}")
            cur.execute("INSERT INTO training_topics (id, topic_key, name) VALUES (%s, %s, %s)",
                        (ids[t.key], t.key, t.name))
    return ids


def _seed_conversations(db: psycopg.Connection, storage_root: Path, conversations: list[dict],
                        ids: dict[str, str], enriched: int) -> None:
    columns = ("conversation_id", "persona_id", "emotional_arc_id", "training_topic_id", "persona_key",
               "emotional_arc_key", "topic_key", "scaffolding_snapshot", "conversation_name", "turn_count",
               "tier", "quality_score", "status", "enrichment_status", "enriched_file_path",
               "enriched_file_size", "created_by", "created_at")
    with db.cursor() as cur, cur.copy(f"COPY conversations ({', '.join(columns)}) FROM STDIN") as copy:
        for index, conv in enumerate(conversations):
            meta, keys = conv["conversation_metadata"], _keys(conv)
            cid = meta["conversation_id"]
            path = size = None
            early = names_only(index)
            if index < enriched:
                path = f"{USER_ID}/{cid}/enriched.json"
                data = json.dumps(enriched_file(conv, early), ensure_ascii=False, indent=2).encode()
                _write(storage_root / "conversation-files" / path, data)
                size = len(data)
            only_snapshot = index % 3 == 0
            snapshot = {"persona_key": keys["persona_key"], "emotional_arc_key": keys["emotional_arc_key"],
                        "training_topic_key": keys["training_topic_key"]}
            if early:
                snapshot = {"persona_name": _persona_label(keys["persona_key"]), "emotional_arc": keys["emotional_arc"],
                            "training_topic": keys["training_topic"]}
            fks = (None, None, None) if early else (ids[keys["persona_key"]], ids[keys["emotional_arc_key"]],
                                                    ids[keys["training_topic_key"]])
            copy.write_row((
                cid, *fks,
                None if only_snapshot or early else keys["persona_key"],
                None if only_snapshot or early else keys["emotional_arc_key"],
                None if only_snapshot or early else keys["training_topic_key"],
                json.dumps(snapshot), f"{keys['persona_name']} · {keys['training_topic']}", meta["total_turns"],
                "edge_case" if keys["emotional_arc_key"] in DEFAULT_EDGE_CASE_ARCS else "template",
                _quality(conv), "approved" if path else "pending_review",
                "completed" if path else "not_started", path, size, USER_ID, f"{meta['created_date']}T12:00:00Z",
            ))


def _seed_training_files(db: psycopg.Connection, storage_root: Path, conversations: list[dict],
                         profile: dict) -> dict[str, TrainingFileFacts]:
    plan = {  # label: (name, slice of conversations)
        "release": ("Q4 Release", conversations[:242]),
        "pilot": ("Pilot Set", conversations[242:282]),
        "drifted": ("Drifted Export", conversations[282:312]),
        "lost": ("Lost Export", conversations[:5]),
    }
    facts: dict[str, TrainingFileFacts] = {}
    for number, (label, (name, convs)) in enumerate(plan.items()):
        file_id = _uuid(f"training-file/{label}")
        cids = [c["conversation_metadata"]["conversation_id"] for c in convs]
        doc = {"training_file_metadata": demo.file_metadata(convs, name), "consultant_profile": profile,
               "conversations": convs}
        if label != "lost":
            json_bytes = demo.to_json_bytes(doc)
            _write(storage_root / "training-files" / file_id / "training.json", json_bytes)
            _write(storage_root / "training-files" / file_id / "training.jsonl", demo.to_jsonl_bytes(doc))
        count, pairs, dist, members = len(convs), _pairs(convs), _distribution(convs), list(cids)
        if label == "drifted":  # the row was not updated when the export was regenerated
            count, pairs = count + 2, pairs + 5
            first = next(iter(dist["personas"]))
            dist["personas"][first] += 2
            members = [*members[1:], _uuid("ghost/1"), _uuid("ghost/2")]
        scores = [_quality(c) for c in convs]
        with db.cursor() as cur:
            cur.execute(
                "INSERT INTO training_files (id, name, json_file_path, jsonl_file_path, conversation_count,"
                " total_training_pairs, json_file_size, avg_quality_score, min_quality_score, max_quality_score,"
                " human_reviewed_count, scaffolding_distribution, status, created_by, created_at)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, 0, %s, 'active', %s, %s)",
                (file_id, name, f"{file_id}/training.json", f"{file_id}/training.jsonl", count, pairs,
                 None, round(sum(scores) / len(scores), 2), min(scores), max(scores), json.dumps(dist), USER_ID,
                 f"2025-12-0{len(plan) - number}T09:00:00Z"))  # the first listed is the newest
            cur.executemany("INSERT INTO training_file_conversations (training_file_id, conversation_id)"
                            " VALUES (%s, %s)", [(file_id, cid) for cid in members])
        facts[label] = TrainingFileFacts(id=file_id, name=name, conversation_ids=tuple(cids),
                                         pairs=_pairs(convs))
    return facts
