"""Deterministic demo export in the platform's real `brightrun-lora-v4` format.

The demo is the studio's default source, so it has to look like the real thing, quirks
included: user-only odd turns (`target_response: null`), the user message repeated as the
last history entry of every even turn, conversations that end on an unanswered user turn,
pair-level `conversation_id`s that name the arc family instead of the conversation, and a
metadata block whose `scaffolding_distribution` is slightly stale. The same seed always
gives the same bytes; nothing touches the network.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterable, Iterator
from datetime import date, timedelta

import msgspec

from services.demo import catalog as cat

DEFAULT_SEED = 20251203
_TURN_WEIGHTS = {4: 10, 5: 15, 6: 25, 7: 20, 8: 17, 9: 8, 10: 5}
_MIN_TURNS, _MAX_TURNS = min(_TURN_WEIGHTS), max(_TURN_WEIGHTS)


def _allocate(counts: dict[str, int], total: int) -> dict[str, int]:
    """Scale `counts` to `total` with the largest-remainder method (exact sum)."""
    base = sum(counts.values())
    raw = {k: v * total / base for k, v in counts.items()}
    out = {k: int(r) for k, r in raw.items()}
    for k in sorted(raw, key=lambda k: (-(raw[k] - out[k]), k))[: total - sum(out.values())]:
        out[k] += 1
    return out


def _labels(counts: dict[str, int], rng: random.Random) -> list[str]:
    labels = [k for k, n in counts.items() for _ in range(n)]
    rng.shuffle(labels)
    return labels


def _turn_counts(n: int, total_pairs: int, rng: random.Random) -> list[int]:
    """Turn counts between 4 and 10 that add up to exactly `total_pairs`."""
    if not _MIN_TURNS * n <= total_pairs <= _MAX_TURNS * n:
        raise ValueError(f"{total_pairs} pairs cannot be spread over {n} conversations of 4-10 turns")
    turns = rng.choices(list(_TURN_WEIGHTS), weights=list(_TURN_WEIGHTS.values()), k=n)
    diff = total_pairs - sum(turns)
    while diff:
        i = rng.randrange(n)
        step = 1 if diff > 0 else -1
        if _MIN_TURNS <= turns[i] + step <= _MAX_TURNS:
            turns[i] += step
            diff -= step
    return turns


def _fill(template: str, **slots: str) -> str:
    return template.format(**slots)


class _ConversationWriter:
    """Writes one conversation's training pairs the way the platform does."""

    def __init__(self, rng: random.Random, persona: cat.Persona, arc: cat.Arc, topic: cat.Topic,
                 turns: int, quality: int, created: date) -> None:
        self.rng, self.persona, self.arc, self.topic = rng, persona, arc, topic
        self.turns, self.quality, self.created = turns, quality, created
        self.conversation_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        self.level = rng.choice(("intermediate", "advanced"))
        self.start_intensity = round(rng.uniform(0.72, 0.9), 2)
        self.end_intensity = round(rng.uniform(0.22, 0.38), 2)

    # --- text -----------------------------------------------------------------------
    def _slots(self) -> dict[str, str]:
        facts = self.rng.sample(self.topic.facts, 3)
        voice = self.rng.choice(self.persona.voice)
        return {
            "name": self.persona.first_name,
            "topic_short": self.topic.name.lower(),
            "situation": self.topic.situation,
            "voice": voice[0].upper() + voice[1:],
            "worry": self.rng.choice(cat.WORRIES),
            "step": self.topic.step,
            "fact": facts[0][0].upper() + facts[0][1:],
            "fact2": facts[1],
            "Fact2": facts[1][0].upper() + facts[1][1:],
            "fact3": facts[2],
            "start": self.arc.start[0],
        }

    def user_message(self, turn: int) -> str:
        slots = self._slots()
        if turn == 1:
            return _fill(self.rng.choice(cat.OPENERS[self.arc.key]), **slots)
        stage = min(2, (turn - 1) * 3 // max(self.turns, 1))
        return _fill(self.rng.choice(cat.FOLLOW_UPS[stage]), **slots)

    def assistant_message(self, turn: int) -> str:
        slots = self._slots()
        parts = [_fill(self.rng.choice(cat.ACKNOWLEDGE[self.arc.key]), **slots)]
        if turn == 2 or self.rng.random() < 0.8:
            parts.append(_fill(self.rng.choice(cat.REFLECT), **slots))
        last = turn + 2 > self.turns
        if self.arc.key == "crisis_to_referral":
            parts.append(self.rng.choice(cat.REFERRAL))
        elif self.arc.key == "hostility_to_boundary" and turn <= 4:
            parts.append(self.rng.choice(cat.BOUNDARY))
        if self.arc.key != "crisis_to_referral" or last:
            parts.append(_fill(self.rng.choice(cat.EDUCATE), **slots))
        parts.append(_fill(self.rng.choice(cat.CELEBRATE if last else cat.NEXT_STEP), **slots))
        return "\n\n".join(parts)

    # --- emotions -------------------------------------------------------------------
    def intensity(self, turn: int) -> float:
        share = (turn - 1) / max(self.turns - 1, 1)
        value = self.start_intensity + (self.end_intensity - self.start_intensity) * share
        return round(min(0.99, max(0.05, value + self.rng.uniform(-0.04, 0.04))), 2)

    def client_emotion(self, turn: int) -> tuple[str, str]:
        if turn == 1:
            return self.arc.start
        share = (turn - 1) / max(self.turns - 1, 1)
        if share > 0.85:
            return self.arc.end, self.rng.choice(self.arc.midway)
        return self.rng.choice(self.arc.midway), self.rng.choice(self.arc.midway)

    def emotions(self, turn: int) -> dict:
        if turn % 2:
            primary, secondary = self.client_emotion(turn)
        else:
            primary = self.arc.responses[min(len(self.arc.responses) - 1, turn // 2 - 1)]
            secondary = self.rng.choice(self.arc.responses)
        return {
            "primary": primary,
            "primary_confidence": round(self.rng.uniform(0.7, 0.9), 1),
            "secondary": secondary,
            "secondary_confidence": round(self.rng.uniform(0.6, 0.8), 1),
            "intensity": self.intensity(turn),
            "valence": "negative" if turn == 1 else self.rng.choice(("mixed", "mixed", "positive")),
        }

    # --- structure ------------------------------------------------------------------
    def conversation_metadata_block(self) -> dict:
        return {
            "client_persona": f"{self.persona.name} - {self.persona.archetype}",
            "client_background": self.persona.background,
            "session_context": f"{self.persona.first_name} is reaching out about {self.topic.situation}.",
            "conversation_phase": self.arc.key,
            "expected_outcome": (
                f"Help {self.persona.first_name} move from {self.arc.start[0]} to {self.arc.end} "
                f"about {self.topic.name.lower()}, with one concrete next step."
            ),
            "persona_archetype": self.persona.key,
            "emotional_arc": self.arc.name,
            "emotional_arc_key": self.arc.key,
            "training_topic": self.topic.name,
            "training_topic_key": self.topic.key,
        }

    def pairs(self) -> list[dict]:
        block = self.conversation_metadata_block()
        progression = f"{self.arc.start[0]}({self.start_intensity:.1f}) → {self.arc.end}(0.8)"
        history: list[dict] = []
        pairs: list[dict] = []
        user_input = ""
        for turn in range(1, self.turns + 1):
            emotions = self.emotions(turn)
            target = None
            if turn % 2:
                user_input = self.user_message(turn)
            else:
                target = self.assistant_message(turn)
            criteria = {
                "empathy_score": round(self.quality + self.rng.uniform(-0.3, 0.3), 1),
                "clarity_score": round(self.quality + self.rng.uniform(-0.2, 0.2), 1),
                "appropriateness_score": round(self.quality + self.rng.uniform(-0.3, 0.2), 1),
                "brand_voice_alignment": round(self.quality + self.rng.uniform(-0.2, 0.3), 1),
            }
            pairs.append({
                "id": f"{self.arc.family}_turn{turn}",
                "conversation_id": self.arc.family,
                "turn_number": turn,
                "conversation_metadata": block,
                "system_prompt": cat.SYSTEM_PROMPT,
                "conversation_history": list(history),
                "current_user_input": user_input,
                "emotional_context": {"detected_emotions": emotions},
                "target_response": target,
                "training_metadata": {
                    "difficulty_level": f"{self.level}_conversation_turn_{turn}",
                    "key_learning_objective": self.topic.key,
                    "demonstrates_skills": [p.key for p in cat.PERSONAS],
                    "conversation_turn": turn,
                    "emotional_progression_target": progression,
                    "quality_score": self.quality,
                    "quality_criteria": criteria,
                    "human_reviewed": False,
                    "reviewer_notes": None,
                    "use_as_seed_example": False,
                    "generate_variations_count": 0,
                },
            })
            state = {k: emotions[k] for k in ("primary", "secondary", "intensity")}
            role, content = ("user", user_input) if turn % 2 else ("assistant", target)
            history.append({"turn": turn, "role": role, "content": content, "emotional_state": state})
        return pairs

    def conversation(self) -> dict:
        return {
            "conversation_metadata": {
                "conversation_id": self.conversation_id,
                "source_file": f"fp_conversation_{self.conversation_id}.json",
                "created_date": self.created.isoformat(),
                "total_turns": self.turns,
                "quality_tier": "experimental",
                "scaffolding": {
                    "persona_key": self.persona.key,
                    "persona_name": self.persona.name,
                    "emotional_arc_key": self.arc.key,
                    "emotional_arc": self.arc.name,
                    "training_topic_key": self.topic.key,
                    "training_topic": self.topic.name,
                },
            },
            "training_pairs": self.pairs(),
        }


def _layout(n: int, rng: random.Random) -> tuple[list[str], list[str], list[str], list[int]]:
    """Each conversation's persona, arc and topic keys and its turns: drawn first, before any text."""
    topics = list(cat.TOPICS)
    persona_labels = _labels(_allocate(cat.PERSONA_COUNTS, n), rng)
    arc_labels = _labels(_allocate(cat.ARC_COUNTS, n), rng)
    topic_labels = [topics[i % len(topics)].key for i in range(n)]
    rng.shuffle(topic_labels)
    total_pairs = round(n * cat.BASE_PAIRS / cat.BASE_CONVERSATIONS)
    return persona_labels, arc_labels, topic_labels, _turn_counts(n, total_pairs, rng)


def _plan(n: int, rng: random.Random) -> Iterator[tuple[cat.Persona, cat.Arc, cat.Topic, int, int]]:
    personas = {p.key: p for p in cat.PERSONAS}
    arcs = {a.key: a for a in cat.ARCS}
    persona_labels, arc_labels, topic_labels, turns = _layout(n, rng)
    by_key = {t.key: t for t in cat.TOPICS}
    for i in range(n):
        quality = rng.choices((2, 3, 4), weights=(5, 85, 10))[0]
        yield personas[persona_labels[i]], arcs[arc_labels[i]], by_key[topic_labels[i]], turns[i], quality


def iter_conversations(n_conversations: int = cat.BASE_CONVERSATIONS,
                       seed: int = DEFAULT_SEED) -> Iterator[dict]:
    """The demo's conversations one at a time (a scaled demo of any size is written without holding it)."""
    if n_conversations < 1:
        raise ValueError("the demo needs at least one conversation")
    rng = random.Random(seed)
    start = date(2025, 11, 3)
    for persona, arc, topic, turns, quality in _plan(n_conversations, rng):
        yield _ConversationWriter(rng, persona, arc, topic, turns, quality,
                                  start + timedelta(days=rng.randrange(30))).conversation()


def generate(n_conversations: int = cat.BASE_CONVERSATIONS, seed: int = DEFAULT_SEED) -> dict:
    """Build the demo export as a Python object (the shape of `training.json`)."""
    conversations = list(iter_conversations(n_conversations, seed))
    return {
        "training_file_metadata": file_metadata(conversations),
        "consultant_profile": cat.CONSULTANT_PROFILE,
        "conversations": conversations,
    }


def planned_metadata(n_conversations: int = cat.BASE_CONVERSATIONS, seed: int = DEFAULT_SEED) -> dict:
    """The metadata `generate` writes, from the layout alone (drawn before any text, so no text is made)."""
    personas, arcs, topics, turns = _layout(n_conversations, random.Random(seed))
    return _metadata(zip(personas, arcs, topics, turns, strict=True), n_conversations)


def file_metadata(conversations: list[dict], file_name: str | None = None) -> dict:
    """Totals as the platform writes them, with its stale topic distribution quirk."""
    scaffolds = (c["conversation_metadata"]["scaffolding"] for c in conversations)
    return _metadata(((s["persona_key"], s["emotional_arc_key"], s["training_topic_key"], len(c["training_pairs"]))
                      for s, c in zip(scaffolds, conversations, strict=True)), len(conversations), file_name)


def _metadata(rows: Iterable[tuple[str, str, str, int]], n: int, file_name: str | None = None) -> dict:
    dist: dict[str, dict[str, int]] = {"personas": {}, "emotional_arcs": {}, "training_topics": {}}
    pairs = 0
    for persona, arc, topic, turns in rows:
        for field, key in (("personas", persona), ("emotional_arcs", arc), ("training_topics", topic)):
            dist[field][key] = dist[field].get(key, 0) + 1
        pairs += turns
    # The platform's counters lag behind one re-labelled conversation: one topic is
    # counted once too often and another once too few. The studio must notice.
    topics = sorted(dist["training_topics"])
    if len(topics) >= 2:
        dist["training_topics"][topics[0]] += 1
        dist["training_topics"][topics[1]] -= 1
    return {
        "file_name": file_name or f"Demo Release ({n} conversations)",
        "version": "4.0.0",
        "created_date": "2025-12-03T20:44:02.793Z",
        "last_updated": "2025-12-03T20:44:02.793Z",
        "format_spec": "brightrun-lora-v4",
        "target_model": "claude-sonnet-4-5",
        "vertical": "financial_planning_consultant",
        "total_conversations": n,
        "total_training_pairs": pairs,
        "quality_summary": {
            "avg_quality_score": 3,
            "min_quality_score": 3,
            "max_quality_score": 3,
            "human_reviewed_count": 0,
            "human_reviewed_percentage": 0,
        },
        "scaffolding_distribution": dist,
    }


def to_json_bytes(export: dict) -> bytes:
    """Pretty-printed like the platform's exports (2-space indent, raw UTF-8)."""
    return msgspec.json.format(msgspec.json.encode(export), indent=2)


def json_chunks(n_conversations: int = cat.BASE_CONVERSATIONS, seed: int = DEFAULT_SEED) -> Iterator[bytes]:
    """`to_json_bytes(generate(n, seed))`, byte for byte, a conversation at a time."""
    head = {"training_file_metadata": planned_metadata(n_conversations, seed),
            "consultant_profile": cat.CONSULTANT_PROFILE}
    yield msgspec.json.format(msgspec.json.encode(head), indent=2).removesuffix(b"\n}") \
        + b',\n  "conversations": [\n'
    for i, conversation in enumerate(iter_conversations(n_conversations, seed)):
        text = msgspec.json.format(msgspec.json.encode(conversation), indent=2)
        yield (b",\n" if i else b"") + b"    " + text.replace(b"\n", b"\n    ")
    yield b"\n  ]\n}"


def to_jsonl_bytes(export: dict) -> bytes:
    """The `training.jsonl` variant: a `_meta` line, then one line per pair with a target."""
    meta = dict(export["training_file_metadata"], consultant_profile=export["consultant_profile"])
    lines = [msgspec.json.encode({"_meta": meta})]
    for conv in export["conversations"]:
        cid = conv["conversation_metadata"]["conversation_id"]
        for pair in conv["training_pairs"]:
            if pair["target_response"] is not None:
                lines.append(msgspec.json.encode(dict(pair, conversation_id=cid)))
    return b"\n".join(lines) + b"\n"


def demo_bytes(n_conversations: int = cat.BASE_CONVERSATIONS, seed: int = DEFAULT_SEED) -> bytes:
    """The demo export's bytes, as the platform writes them: the same for a seed on every machine."""
    return to_json_bytes(generate(n_conversations, seed))
