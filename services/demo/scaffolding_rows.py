"""The demo's scaffolding: the platform's four tables as the seed release was generated from them.

3 personas, 10 emotional arcs of which 3 are edge cases, the 17 topics, and one prompt template per
arc, each with a fixed UUID (uuid5 of its key, so the same on every machine). Three arcs have no
conversation in the demo data yet, as in the seed release: the next batch has gaps to fill out of
the box. It is a plain JSON document, the shape `python -m services.cli next-batch --scaffolding`
reads (`services.dataset.scaffolding`).
"""

from __future__ import annotations

import uuid

from services.demo import catalog as cat

EDGE_CASE_ARCS = ("crisis_to_referral", "hostility_to_boundary", "overwhelm_to_triage")
# Arcs the platform's scaffolding holds but the seed release has no conversation for yet.
UNUSED_ARCS: tuple[tuple[str, str], ...] = (
    ("fear_to_confidence", "Fear → Confidence"),
    ("grief_to_rebuilding", "Grief → Rebuilding"),
    ("resentment_to_understanding", "Resentment → Understanding"),
)


def _id(kind: str, key: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"lead-magnet-studio/demo/{kind}/{key}"))


def scaffolding_document() -> dict[str, list[dict[str, object]]]:
    """The four tables as rows (the columns of `supabase/schema.sql`)."""
    arcs = [(a.key, a.name) for a in cat.ARCS] + list(UNUSED_ARCS)
    return {
        "personas": [{"id": _id("persona", p.key), "persona_key": p.key, "name": p.name, "archetype": p.archetype,
                      "is_active": True} for p in cat.PERSONAS],
        "emotional_arcs": [{"id": _id("arc", key), "arc_key": key, "name": name,
                            "tier": "edge_case" if key in EDGE_CASE_ARCS else "template", "is_active": True}
                           for key, name in arcs],
        "training_topics": [{"id": _id("topic", t.key), "topic_key": t.key, "name": t.name, "is_active": True}
                            for t in cat.TOPICS],
        "prompt_templates": [{"id": _id("template", key), "template_name": f"{name} — advisor conversation",
                              "tier": "edge_case" if key in EDGE_CASE_ARCS else "template",
                              "emotional_arc_type": key, "is_active": True} for key, name in arcs],
    }
