"""The decision brief from what the app has already built: the cached bundles and check reports."""

from __future__ import annotations

from components.release.builds import card_text, released_tiers, tier_release
from services.dataset.loader import LoadedDataset
from services.marketing import brief
from services.strategy.advice import Goals
from services.strategy.plans import Plan
from services.strategy.sampling import TierSelection


def decision_brief(ds: LoadedDataset, plan: Plan, chosen: dict[str, TierSelection], goals: Goals) -> str:
    """The brief's HTML: built when the owner asks for it (the download button calls this)."""
    released = {tier: tier_release(ds, plan, chosen, tier) for tier in released_tiers(plan, chosen)}
    built = {tier: b for tier, (b, _) in released.items()}
    reports = {tier: r for tier, (_, r) in released.items()}
    first = next(iter(released), None)
    content = brief.gather(ds, plan, chosen, goals, built, reports, card_text(first) if first else None)
    return brief.render_brief(content)
