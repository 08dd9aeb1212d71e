"""Small exports in the real `brightrun-lora-v4` shape, built by the tests themselves.

Every figure of these fixtures can be counted by hand, so statistics are checked against
values computed here, independently of the code under test.
"""

from __future__ import annotations

import json
from typing import Any


def make_pair(turn: int, user: str, target: str | None, history: list[dict], intensity: float | None,
              quality: float | None, arc: str, persona: str, topic: str, reviewed: bool = False,
              family: str = "educational") -> dict[str, Any]:
    return {
        "id": f"{family}_turn{turn}",
        "conversation_id": family,
        "turn_number": turn,
        "conversation_metadata": {"client_persona": "Client - Persona", "persona_archetype": persona,
                                  "emotional_arc": arc.replace("_", " ").title(), "emotional_arc_key": arc,
                                  "training_topic": topic.replace("_", " ").title(), "training_topic_key": topic},
        "system_prompt": "You are an emotionally intelligent financial planning chatbot.",
        "conversation_history": history,
        "current_user_input": user,
        "emotional_context": {"detected_emotions": {"primary": f"emotion{turn}", "intensity": intensity}},
        "target_response": target,
        "training_metadata": {
            "quality_score": quality,
            "quality_criteria": {"empathy_score": quality, "clarity_score": quality,
                                 "appropriateness_score": quality, "brand_voice_alignment": quality},
            "human_reviewed": reviewed,
        },
    }


def make_conversation(cid: str, persona: str, arc: str, topic: str, turns: int, quality: float = 3.0,
                      intensities: list[float] | None = None, reviewed: bool = False) -> dict[str, Any]:
    """A conversation as the platform writes it: odd turns user-only, the user message repeated."""
    intensities = intensities or [0.5] * turns
    history: list[dict] = []
    pairs = []
    user = ""
    for turn in range(1, turns + 1):
        if turn % 2:
            user, target = f"{cid} user message {turn}", None
        else:
            target = f"{cid} assistant answer {turn}"
        pairs.append(make_pair(turn, user, target, list(history), intensities[turn - 1], quality, arc,
                               persona, topic, reviewed))
        history.append({"turn": turn, "role": "user" if turn % 2 else "assistant",
                        "content": user if turn % 2 else target, "emotional_state": {}})
    return {
        "conversation_metadata": {
            "conversation_id": cid, "total_turns": turns, "quality_tier": "experimental",
            "scaffolding": {"persona_key": persona, "persona_name": persona.title(), "emotional_arc_key": arc,
                            "emotional_arc": arc.title(), "training_topic_key": topic,
                            "training_topic": topic.title()},
        },
        "training_pairs": pairs,
    }


def export_bytes(export: dict[str, Any]) -> bytes:
    return json.dumps(export, indent=2, ensure_ascii=False).encode("utf-8")


# The platform's first full-file exports (early December 2025): scaffolding keys empty, names filled,
# the keys on every pair's context block only, a file summary of zeros and an empty distribution.
EARLY_CONVERSATIONS = (  # (id, persona key, persona name, arc key, arc name, topic key, topic name, turns)
    ("e-1", "pragmatic_optimist", "David Chen - The Pragmatic Optimist", "shame_to_acceptance",
     "Shame → Acceptance", "grandparent_529", "Grandparent 529 Contributions", 4),
    ("e-2", "anxious_planner", "Jennifer Martinez - The Anxious Planner", "fear_to_confidence",
     "Fear → Confidence", "emergency_fund", "Building an Emergency Fund", 5),
    ("e-3", "overwhelmed_avoider", "Marcus Chen - The Overwhelmed Avoider", "overwhelm_to_empowerment",
     "Overwhelm → Empowerment", "eldercare_costs", "Planning for Eldercare Expenses", 6),
)


def early_conversation(cid: str, persona: str, persona_name: str, arc: str, arc_name: str, topic: str,
                       topic_name: str, turns: int, quality: float = 3.0) -> dict[str, Any]:
    """One conversation in the early shape: its own keys "", the pairs' keys and names filled."""
    conv = make_conversation(cid, persona, arc, topic, turns, quality)
    conv["conversation_metadata"]["scaffolding"] = {
        "persona_key": "", "persona_name": persona_name, "emotional_arc_key": "", "emotional_arc": arc_name,
        "training_topic_key": "", "training_topic": topic_name}
    for pair in conv["training_pairs"]:
        pair["conversation_metadata"].update(client_persona=persona_name, emotional_arc=arc_name,
                                             training_topic=topic_name)
    return conv


def early_export(rows: tuple = EARLY_CONVERSATIONS) -> dict[str, Any]:
    """A training file of the early shape (`EARLY_CONVERSATIONS` by default)."""
    conversations = [early_conversation(*row) for row in rows]
    return {
        "training_file_metadata": {
            "file_name": "Early export", "version": "4.0.0", "format_spec": "brightrun-lora-v4",
            "created_date": "2025-12-02T18:01:55.120Z", "target_model": "claude-sonnet-4-5",
            "total_conversations": len(conversations),
            "total_training_pairs": sum(len(c["training_pairs"]) for c in conversations),
            "quality_summary": {"avg_quality_score": 0, "min_quality_score": 0, "max_quality_score": 0,
                                "human_reviewed_count": 0, "human_reviewed_percentage": 0},
            "scaffolding_distribution": {},
        },
        "consultant_profile": {"name": "Elena Morales, CFP", "business": "Morales Financial Planning"},
        "conversations": conversations,
    }
