"""Checks on decoded conversations: the format's quirks, gaps, duplicates, stale metadata.

Errors drop what cannot be used (a duplicate conversation id); warnings flag what looks
wrong but still loads; info records the format's known quirks, which the converters resolve.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import msgspec

from services import schema
from services.report import Tally, ValidationReport

_DIST_FIELDS = {
    "personas": "persona_key",
    "emotional_arcs": "emotional_arc_key",
    "training_topics": "training_topic_key",
}


class _LastHistory(msgspec.Struct):
    role: str | None = None
    content: str | None = None


_last_history = msgspec.json.Decoder(_LastHistory)


_AT_TURN = "conversation {}, turn {}"


class _Tallies:
    def __init__(self) -> None:
        self.no_target = Tally(_AT_TURN)
        self.missing_target = Tally(_AT_TURN)
        self.empty_target = Tally(_AT_TURN)
        self.duplicated_user = Tally(_AT_TURN)
        self.trailing_user = Tally(_AT_TURN)
        self.turn_gaps = Tally("conversation {}: turn {} follows turn {}")
        self.turns_declared = Tally("conversation {}: says {}, holds {}")
        self.pair_ids = Tally("conversation {}, turn {}: `{}`")
        self.no_quality = Tally(_AT_TURN)


def _check_conversation(conv: schema.Conversation, t: _Tallies) -> None:
    cid = conv.conversation_metadata.conversation_id
    pairs = conv.training_pairs
    expected = 1
    for pair in pairs:
        turn = pair.turn_number
        if turn != expected:
            t.turn_gaps.add(cid, turn, expected - 1)
        expected = turn + 1
        target = pair.target_response
        if target is None:
            t.no_target.add(cid, turn)
            if turn % 2 == 0:
                t.missing_target.add(cid, turn)
        else:
            if not target.strip():
                t.empty_target.add(cid, turn)
            if pair.conversation_history:
                last = _last_history.decode(pair.conversation_history[-1])
                if last.role == "user" and last.content == pair.current_user_input:
                    t.duplicated_user.add(cid, turn)
        if pair.conversation_id is not None and pair.conversation_id != cid:
            t.pair_ids.add(cid, turn, pair.conversation_id)
        meta = pair.training_metadata
        if meta is None or meta.quality_score is None:
            t.no_quality.add(cid, turn)
    if pairs[-1].target_response is None:
        t.trailing_user.add(cid, pairs[-1].turn_number)
    declared = conv.conversation_metadata.total_turns
    if declared is not None and declared != len(pairs):
        t.turns_declared.add(cid, declared, len(pairs))


def _emit(t: _Tallies, report: ValidationReport, total_pairs: int, fmt: str) -> None:
    n = t.no_target.count
    if fmt != "jsonl":
        t.no_target.emit(report, "info", "pair_without_target",
                         f"{n:,} of {total_pairs:,} pairs carry no assistant response: the user half of a turn, "
                         "as the format writes odd turns; they are not supervised examples")
    t.missing_target.emit(report, "warning", "assistant_turn_without_target",
                          f"{t.missing_target.count:,} even (assistant) turns have no target_response")
    t.empty_target.emit(report, "warning", "empty_target",
                        f"{t.empty_target.count:,} pairs have an empty target_response")
    t.duplicated_user.emit(report, "info", "duplicated_user_message",
                           f"{t.duplicated_user.count:,} pairs repeat the user message as the last history entry "
                           "and as current_user_input; the chat conversion writes it once")
    t.trailing_user.emit(report, "info", "trailing_user_turn",
                         f"{t.trailing_user.count:,} conversations end on a user message with no answer; "
                         "the chat conversion drops that last turn")
    t.turn_gaps.emit(report, "warning", "turn_gap",
                     f"{t.turn_gaps.count:,} places where turn numbers skip or repeat")
    t.turns_declared.emit(report, "warning", "total_turns_mismatch",
                          f"{t.turns_declared.count:,} conversations declare a total_turns that differs "
                          "from the pairs they hold")
    t.pair_ids.emit(report, "info", "pair_conversation_id",
                    f"{t.pair_ids.count:,} pairs carry a conversation_id that is not their conversation's "
                    "(the platform writes the arc family there); the studio uses the conversation's id")
    t.no_quality.emit(report, "warning", "missing_quality",
                      f"{t.no_quality.count:,} pairs have no training_metadata.quality_score")


def _drop_duplicates(conversations: list[schema.Conversation], name: str,
                     report: ValidationReport) -> list[schema.Conversation]:
    seen: set[str] = set()
    kept = []
    for index, conv in enumerate(conversations):
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


def _check_metadata(conversations: list[schema.Conversation], meta: dict[str, Any] | None, fmt: str,
                    name: str, report: ValidationReport) -> None:
    if not meta:
        if fmt == "training_file":
            report.add("warning", "missing_metadata", "the file has no training_file_metadata block", name)
        return
    present = len(conversations) + len(report.dropped_conversations)
    declared = meta.get("total_conversations")
    if isinstance(declared, int) and declared != present:
        report.add("warning", "total_conversations_mismatch",
                   f"the metadata says {declared:,} conversations, the file holds {present:,}",
                   f"{name}: training_file_metadata.total_conversations")
    declared_pairs = meta.get("total_training_pairs")
    pairs = sum(len(c.training_pairs) for c in conversations)
    if fmt == "training_file" and isinstance(declared_pairs, int) and declared_pairs != pairs \
            and not report.dropped_conversations:
        report.add("warning", "total_training_pairs_mismatch",
                   f"the metadata says {declared_pairs:,} training pairs, the conversations hold {pairs:,}",
                   f"{name}: training_file_metadata.total_training_pairs")
    dist = meta.get("scaffolding_distribution")
    if not isinstance(dist, dict):
        return
    for field, key in _DIST_FIELDS.items():
        declared_counts = dist.get(field)
        if not isinstance(declared_counts, dict):
            continue
        actual = Counter(getattr(c.conversation_metadata.scaffolding, key) for c in conversations)
        diffs = [f"{k}: says {declared_counts.get(k, 0)}, holds {actual.get(k, 0)}"
                 for k in sorted(set(declared_counts) | set(actual))
                 if declared_counts.get(k, 0) != actual.get(k, 0)]
        if diffs:
            report.add("warning", "scaffolding_distribution_mismatch",
                       f"the metadata's {field} counts disagree with the conversations: " + "; ".join(diffs[:5])
                       + (f"; and {len(diffs) - 5} more" if len(diffs) > 5 else ""),
                       f"{name}: training_file_metadata.scaffolding_distribution.{field}")


def validate(conversations: list[schema.Conversation], file_metadata: dict[str, Any] | None, fmt: str,
             name: str, report: ValidationReport) -> list[schema.Conversation]:
    """Add findings to `report`; return the conversations that are kept."""
    kept = _drop_duplicates(conversations, name, report)
    tallies = _Tallies()
    for conv in kept:
        _check_conversation(conv, tallies)
    _emit(tallies, report, sum(len(c.training_pairs) for c in kept), fmt)
    _check_metadata(kept, file_metadata, fmt, name, report)
    reviewed = sum(1 for c in kept for p in c.training_pairs
                   if p.training_metadata is not None and p.training_metadata.human_reviewed)
    if not reviewed:
        report.add("info", "not_human_reviewed", "no pair is marked human_reviewed: the data is 0 % human-reviewed",
                   name)
    return kept
