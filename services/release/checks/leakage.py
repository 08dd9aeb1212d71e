"""Leakage: a public tier must not hold what the plan hands out for an email or keeps apart."""

from __future__ import annotations

from services.release.checks.report import CheckResult, Place, found, passed
from services.strategy.plans import Plan
from services.strategy.sampling import TierSelection

NAME = "leakage"


def reserved_for(plan: Plan, tier_name: str, selections: dict[str, TierSelection]) -> dict[str, str]:
    """Conversation id → why a hub tier must not hold it: it is handed out for an email (a download
    tier), kept in a tier the plan declares disjoint, or pinned out of this tier."""
    tier = plan.tier(tier_name)
    reserved: dict[str, str] = {cid: f"pinned out of '{tier_name}'" for cid in tier.selection.pin_out}
    for other in plan.tiers:
        if other.name == tier_name or other.name not in selections:
            continue
        disjoint = any(r.kind == "disjoint_from" and r.tier == tier_name for r in other.relations) or any(
            r.kind == "disjoint_from" and r.tier == other.name for r in tier.relations)
        if other.channel == "download" or disjoint:
            for cid in selections[other.name].conversation_ids:
                reserved.setdefault(cid, f"reserved for '{other.name}' ({other.channel})")
    return reserved


def check_leakage(plan: Plan, tier_name: str, released_ids: list[str],
                  selections: dict[str, TierSelection]) -> CheckResult:
    """Blocks a Hub tier that would make a reserved conversation public."""
    if not plan.tier(tier_name).channel.startswith("hub_"):
        return passed(NAME, "not a Hub tier")
    reserved = reserved_for(plan, tier_name, selections)
    leaked = [Place(conversation_id=cid, detail=reserved[cid]) for cid in released_ids if cid in reserved]
    if leaked:
        return found(NAME, "block", leaked,
                     f"{len(leaked)} conversations the plan reserves for another tier would be public")
    return passed(NAME, "no conversation reserved for another tier")
