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
