"""Checks on decoded conversations: the format's quirks, gaps, duplicates, stale metadata.

Errors drop what cannot be used (a duplicate conversation id); warnings flag what looks
wrong but still loads; info records the format's known quirks, which the converters resolve.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from services.dataset import schema
from services.dataset.columns import PairColumns
from services.dataset.report import MAX_EXAMPLES, Finding, Tally, ValidationReport
from services.dataset.tables import ConversationColumns

_DIST_FIELDS = {  # metadata distribution field → conversation table column
    "personas": "persona_key",
    "emotional_arcs": "arc_key",
    "training_topics": "topic_key",
}


_AT_TURN = "conversation {}, turn {}"


def _where(mask: np.ndarray, template: str, *columns: np.ndarray) -> Tally:
    """A tally of the rows where `mask` holds, with the first few places formatted."""
    tally = Tally(template)
    rows = np.flatnonzero(mask)
    tally.count = len(rows)
    tally.places = [template.format(*(col[i] for col in columns)) for i in rows[:MAX_EXAMPLES]]
    return tally


def _check_pairs(cols: PairColumns, declared: np.ndarray, convs: ConversationColumns,
                 fmt: str, name: str, report: ValidationReport) -> None:
    """Per-pair checks, vectorized over the pair columns (one row per pair, in file order)."""
    conv_ids = np.array(convs.conversation_id, dtype=object)
    ids = conv_ids[cols.conversation]
    turn = cols.turn
    user_only = ~cols.answered
    step = 2 if fmt == "jsonl" else 1  # JSONL keeps only the even, answered turns
    first = np.r_[True, cols.conversation[1:] != cols.conversation[:-1]]
    expected = np.where(first, step, np.r_[0, turn[:-1]] + step)
    pairs = convs.pairs

    if fmt != "jsonl":
        _where(user_only, _AT_TURN, ids, turn).emit(
            report, "info", "pair_without_target",
            f"{int(user_only.sum()):,} of {len(cols):,} pairs carry no assistant response: the user half of a "
            "turn, as the format writes odd turns; they are not supervised examples")
    tally = _where(user_only & (turn % 2 == 0), _AT_TURN, ids, turn)
    tally.emit(report, "warning", "assistant_turn_without_target",
               f"{tally.count:,} even (assistant) turns have no target_response")
    tally = _where(cols.answered & ~cols.has_target, _AT_TURN, ids, turn)
    tally.emit(report, "warning", "empty_target", f"{tally.count:,} pairs have an empty target_response")
    tally = _where(cols.repeats_user, _AT_TURN, ids, turn)
    tally.emit(report, "info", "duplicated_user_message",
               f"{tally.count:,} pairs repeat the user message as the last history entry and as "
               "current_user_input; the chat conversion writes it once")
    tally = _where(convs.ends_on_user, _AT_TURN, conv_ids, convs.turns)
    tally.emit(report, "info", "trailing_user_turn",
               f"{tally.count:,} conversations end on a user message with no answer; "
               "the chat conversion drops that last turn")
    tally = _where(turn != expected, "conversation {}: turn {} follows turn {}", ids, turn, expected - step)
    tally.emit(report, "warning", "turn_gap", f"{tally.count:,} places where turn numbers skip or repeat")
    tally = _where((declared >= 0) & (declared != pairs), "conversation {}: says {}, holds {}",
                   conv_ids, declared, pairs)
    tally.emit(report, "warning", "total_turns_mismatch",
               f"{tally.count:,} conversations declare a total_turns that differs from the pairs they hold")
    tally = _where(cols.foreign_id, "conversation {}, turn {}", ids, turn)
    tally.emit(report, "info", "pair_conversation_id",
               f"{tally.count:,} pairs carry a conversation_id that is not their conversation's (the platform "
               "writes the arc family there); the studio uses the conversation's id")
    tally = _where(np.isnan(cols.quality), _AT_TURN, ids, turn)
    tally.emit(report, "warning", "missing_quality", f"{tally.count:,} pairs have no training_metadata.quality_score")
    if cols.bad_history:
        tally = Tally(_AT_TURN)
        for place in cols.bad_history:
            tally.add(*place)
        tally.emit(report, "warning", "history_entry_unreadable",
                   f"{tally.count:,} pairs end their conversation_history on an entry that is not a "
                   "{role, content} object with text; it was not compared with the user message")
    if cols.bad_system_prompts:
        report.add("warning", "system_prompt_not_text",
                   f"{cols.bad_system_prompts:,} conversations have a system_prompt that is not text", name)
    if not cols.human_reviewed.any():
        report.add("info", "not_human_reviewed", "no pair is marked human_reviewed: the data is 0 % human-reviewed",
                   name)


def declared_turns(conversations: list[schema.Conversation]) -> np.ndarray:
    """Each conversation's `total_turns` as it says it (-1: not said), for `check`."""
    return np.array([-1 if c.conversation_metadata.total_turns is None else c.conversation_metadata.total_turns
                     for c in conversations], dtype=np.int64)


def drop_unusable(conversations: list[schema.Conversation], name: str, report: ValidationReport,
                  seen: set[str] | None = None, start: int = 0) -> list[schema.Conversation]:
    """Drop repeated conversation ids and conversations without pairs (errors in `report`). `seen`: the ids
    of the conversations kept before these (a load goes a batch at a time); `start`: the first one's index."""
    seen = set() if seen is None else seen
    kept = []
    for index, conv in enumerate(conversations, start=start):
        cid = conv.conversation_metadata.conversation_id
        if cid in seen:
            report.add("error", "duplicate_conversation_id",
                       "dropped: the same conversation_id appears earlier in the file; the first copy is kept",
                       f"{name}: conversation {cid} (#{index + 1}), field `conversation_metadata.conversation_id`")
            report.dropped_conversations.append(cid)
            continue
        if not conv.training_pairs:
            report.add("error", "conversation_dropped", "dropped: the conversation has no training pairs",
                       f"{name}: conversation {cid}, field `training_pairs`")
            report.dropped_conversations.append(cid)
            continue
        seen.add(cid)
        kept.append(conv)
    return kept


def _check_metadata(convs: ConversationColumns, meta: schema.FileMetadata | None, fmt: str, name: str,
                    report: ValidationReport) -> None:
    if meta is None or meta == schema.FileMetadata():
        if fmt == "training_file":
            report.add("warning", "missing_metadata", "the file has no training_file_metadata block", name)
        return
    present = len(convs) + len(report.dropped_conversations)
    declared = meta.total_conversations
    if declared is not None and declared != present:
        report.add("warning", "total_conversations_mismatch",
                   f"the metadata says {declared:,} conversations, the file holds {present:,}",
                   f"{name}: training_file_metadata.total_conversations")
    declared_pairs = meta.total_training_pairs
    pairs = int(convs.pairs.sum())
    if fmt == "training_file" and declared_pairs is not None and declared_pairs != pairs \
            and not report.dropped_conversations:
        report.add("warning", "total_training_pairs_mismatch",
                   f"the metadata says {declared_pairs:,} training pairs, the conversations hold {pairs:,}",
                   f"{name}: training_file_metadata.total_training_pairs")
    disagreements = [*_quality_summary_disagreements(convs, meta.quality_summary),
                     *_distribution_disagreements(convs, meta.scaffolding_distribution)]
    if disagreements:
        block = "_meta" if fmt == "jsonl" else "training_file_metadata"
        report.findings.append(Finding(
            severity="warning", code="file_summary_mismatch",
            message=("the file's own summary disagrees with its conversations; the studio uses the figures "
                     "computed from the conversations: "
                     + "; ".join(text for _, text in disagreements[:6])
                     + (f"; and {len(disagreements) - 6} more" if len(disagreements) > 6 else "")),
            where=f"{name}: {block}", count=len(disagreements),
            examples=[f"{name}: {block}.{field}: {text}" for field, text in disagreements[:MAX_EXAMPLES]]))


QUALITY_TOLERANCE = 0.01  # the platform rounds its summary to two decimals


def _figure(value: float | None) -> str:
    return "nothing" if value is None else f"{value:g}"


def _quality_summary_disagreements(convs: ConversationColumns,
                                   summary: schema.QualitySummary | None) -> list[tuple[str, str]]:
    """(field, 'says X, the pairs give Y') for each figure of `quality_summary` the data does not give."""
    if summary is None:
        return []
    scores = convs.quality[~np.isnan(convs.quality)]
    computed: dict[str, float | None] = {
        "avg_quality_score": round(float(scores.mean()), 2) if len(scores) else None,
        "min_quality_score": round(float(scores.min()), 2) if len(scores) else None,
        "max_quality_score": round(float(scores.max()), 2) if len(scores) else None,
        "human_reviewed_count": float(convs.human_reviewed_pairs.sum()),
    }
    out = []
    for field, actual in computed.items():
        declared = getattr(summary, field)
        if declared is None and actual is None:
            continue
        if declared is None or actual is None or abs(declared - actual) > QUALITY_TOLERANCE:
            out.append((f"quality_summary.{field}",
                        f"quality_summary.{field} says {_figure(declared)}, the pairs give {_figure(actual)}"))
    return out


def _distribution_disagreements(convs: ConversationColumns,
                                dist: schema.ScaffoldingDistribution | None) -> list[tuple[str, str]]:
    """(field, what differs) for each of `scaffolding_distribution`'s counts the conversations do not give.
    A block that is present but empty (`{}`, as the early exports write it) disagrees with every count."""
    if dist is None:
        return []
    out = []
    for field, key in _DIST_FIELDS.items():
        declared_counts: dict[str, int] = getattr(dist, field) or {}
        actual = Counter(getattr(convs, key))
        where = f"scaffolding_distribution.{field}"
        if not declared_counts:
            held = ", ".join(f"{k}: {n}" for k, n in sorted(actual.items())[:5])
            out.append((where, f"{where} is empty, the conversations hold {held}"
                               + (f" and {len(actual) - 5} more keys" if len(actual) > 5 else "")))
            continue
        diffs = [f"{k}: says {declared_counts.get(k, 0)}, holds {actual.get(k, 0)}"
                 for k in sorted(set(declared_counts) | set(actual))
                 if declared_counts.get(k, 0) != actual.get(k, 0)]
        if diffs:
            out.append((where, f"{where} " + ", ".join(diffs[:5])
                        + (f", and {len(diffs) - 5} more" if len(diffs) > 5 else "")))
    return out


def check(declared: np.ndarray, cols: PairColumns, per_conversation: ConversationColumns,
          file_metadata: schema.FileMetadata | None, fmt: str, name: str, report: ValidationReport) -> None:
    """Add the findings on usable conversations (their pair columns and tables) to `report`; `declared`:
    each one's `total_turns` (`declared_turns`)."""
    _check_pairs(cols, declared, per_conversation, fmt, name, report)
    _check_metadata(per_conversation, file_metadata, fmt, name, report)
