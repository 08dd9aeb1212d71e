"""Does a `training_files` row tell the truth about the JSON it points to?

The platform writes the counts, the scaffolding distribution and the membership table when it
builds an export, and does not always update them afterwards. The release card must be computed
from the data, so every disagreement is shown side by side and becomes a finding.
"""

from __future__ import annotations

from collections import Counter

from pydantic import BaseModel

from services.dataset.loader import LoadedDataset
from services.dataset.report import Finding
from services.supabase.rows import TrainingFileRow

DIMENSIONS = {"personas": "persona_key", "emotional_arcs": "arc_key", "training_topics": "topic_key"}
MAX_LISTED = 5


class ConsistencyCheck(BaseModel):
    """One line of the consistency panel."""

    what: str
    recorded: str  # what the database row says
    found: str  # what the JSON holds
    ok: bool
    where: str


def _listed(items: list[str]) -> str:
    shown = ", ".join(items[:MAX_LISTED])
    return shown + (f" and {len(items) - MAX_LISTED} more" if len(items) > MAX_LISTED else "")


def compare(row: TrainingFileRow, members: list[str], dataset: LoadedDataset) -> list[ConsistencyCheck]:
    """A training file's row (counts, quality, members) against the JSON it points at."""
    table = dataset.conversation_table
    in_json = list(dataset.columns.conversation_id)
    in_json += list(dataset.report.dropped_conversations)  # present in the file, even if unreadable
    pairs = len(dataset.turn_table)
    where = f"training_files `{row.name}`"
    checks = [
        ConsistencyCheck(what="conversations", recorded=f"{row.conversation_count:,}", found=f"{len(in_json):,}",
                         ok=row.conversation_count == len(in_json), where=f"{where}.conversation_count"),
        ConsistencyCheck(what="training pairs", recorded=f"{row.total_training_pairs:,}", found=f"{pairs:,}",
                         ok=row.total_training_pairs == pairs, where=f"{where}.total_training_pairs"),
    ]
    for dimension, column in DIMENSIONS.items():
        actual = {str(k): int(n) for k, n in Counter(table[column].dropna()).items()}
        recorded = row.scaffolding_distribution.get(dimension, {})
        differing = sorted(k for k in set(actual) | set(recorded) if actual.get(k, 0) != recorded.get(k, 0))
        if differing:  # side by side, only the keys that differ
            said = _listed([f"{k} {recorded.get(k, 0)}" for k in differing])
            held = _listed([f"{k} {actual.get(k, 0)}" for k in differing])
        else:
            said = held = f"{len(actual)} keys, {sum(actual.values()):,} conversations"
        checks.append(ConsistencyCheck(what=f"{dimension.replace('_', ' ')} distribution", recorded=said, found=held,
                                       ok=not differing, where=f"{where}.scaffolding_distribution.{dimension}"))
    listed, present = set(members), set(in_json)
    missing = sorted(listed - present)
    unlisted = sorted(present - listed)
    problems = []
    if missing:
        problems.append(f"{len(missing)} listed are not in it ({_listed(missing)})")
    if unlisted:
        problems.append(f"{len(unlisted)} in it are not listed ({_listed(unlisted)})")
    checks.append(ConsistencyCheck(what="member conversations", recorded=f"{len(listed):,} listed",
                                   found="; ".join([f"{len(present):,} in the JSON", *problems]),
                                   ok=not problems, where="training_file_conversations"))
    return checks


def findings(checks: list[ConsistencyCheck]) -> list[Finding]:
    """The disagreements, as findings for the validation report."""
    return [Finding(severity="warning", code="supabase_metadata_mismatch",
                    message=f"the database and the JSON disagree on {c.what}: recorded {c.recorded}; found {c.found}",
                    where=c.where)
            for c in checks if not c.ok]
