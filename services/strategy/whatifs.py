"""What-ifs that answer the owner's real questions, each ending in a plan one click from use.

- The smallest public preview that covers every persona × arc cell (enough that the Hub's viewer
  does not look empty or lopsided).
- The largest public preview that stays below the trainable threshold (generous, yet not enough
  to train on: the full set keeps its value).
- What another trainable threshold changes: the recommendation and what is trainable for free.

Both previews are searched with the sampler itself, so the plan they return draws exactly what
the sentence says.
"""

from __future__ import annotations

import numpy as np
from pydantic import BaseModel

from services.dataset.loader import LoadedDataset
from services.strategy import advice
from services.strategy.compare import cells_covered
from services.strategy.plans import Plan
from services.strategy.presets import preset_billboard
from services.strategy.sampling import SamplingError, TierSelection, dataset_arrays, select_tier

PREVIEW = "preview"
THRESHOLDS = (250, 500, 1000)  # LoRA readiness rules worth comparing (the platform's is 500)


class WhatIf(BaseModel):
    """One answer: the sentence, and the plan that makes it true (None: no plan does)."""

    question: str
    answer: str
    plan: Plan | None = None


class ThresholdRow(BaseModel):
    """One trainable threshold: the recommendation under it and what is trainable for free."""

    threshold: int
    recommended: str
    trainable_without_email: list[str]  # the strategies whose public part alone reaches it
    trainable_without_paying: list[str]


def _preview(ds: LoadedDataset, plan: Plan, size: int) -> TierSelection | None:
    tier = plan.tier(PREVIEW)
    sized = tier.model_copy(update={"selection": tier.selection.model_copy(update={"size": size})})
    try:
        return select_tier(ds, plan, sized, {})
    except SamplingError:
        return None


def _billboard(base: Plan | None, size: int) -> Plan:
    plan = base if base is not None and PREVIEW in {t.name for t in base.tiers} else preset_billboard()
    tiers = [t.model_copy(update={"selection": t.selection.model_copy(update={"size": size})})
             if t.name == PREVIEW else t for t in plan.tiers]
    return plan.model_copy(update={"tiers": tiers})


def smallest_covering_preview(ds: LoadedDataset, base: Plan | None = None) -> WhatIf:
    """The fewest preview conversations whose draw covers every persona × arc cell."""
    question = "What is the smallest public preview that shows every persona × arc cell?"
    plan = _billboard(base, 1)
    a = dataset_arrays(ds)
    cells = cells_covered(ds, np.arange(len(a.ids)))
    for size in range(cells, len(a.ids) + 1):
        sel = _preview(ds, plan, size)
        if sel is not None and cells_covered(ds, sel.indices) == cells:
            return WhatIf(question=question, plan=_billboard(base, size),
                          answer=f"{size} conversations ({sel.supervised_examples:,} supervised examples) cover all "
                                 f"{cells} persona × arc cells.")
    return WhatIf(question=question, answer="No preview covers every cell: the sampler's filters leave some out.")


def largest_preview_below_threshold(ds: LoadedDataset, base: Plan | None = None) -> WhatIf:
    """The most preview conversations whose supervised examples stay below the trainable threshold."""
    plan = _billboard(base, 1)
    threshold = plan.trainable_threshold
    question = f"What is the largest public preview that stays below {threshold:,} supervised examples?"
    lo, hi, best = 1, len(dataset_arrays(ds).ids), None
    while lo <= hi:  # supervised examples grow with the size: the largest size still below the threshold
        mid = (lo + hi) // 2
        sel = _preview(ds, plan, mid)
        if sel is not None and sel.supervised_examples < threshold:
            best, lo = (mid, sel), mid + 1
        else:
            hi = mid - 1
    if best is None:
        return WhatIf(question=question, answer="Even one conversation reaches the threshold.")
    size, sel = best
    return WhatIf(question=question, plan=_billboard(base, size),
                  answer=f"{size} conversations: {sel.supervised_examples:,} supervised examples, "
                         f"{threshold - sel.supervised_examples:,} short of what a LoRA run needs; "
                         f"{cells_covered(ds, sel.indices)} persona × arc cells shown.")


def threshold_changes(ds: LoadedDataset, goals: advice.Goals,
                      thresholds: tuple[int, ...] = THRESHOLDS) -> list[ThresholdRow]:
    """Under each threshold: the recommendation and which strategies are trainable for free."""
    rows = []
    for threshold in thresholds:
        facts = advice.preset_facts(ds, threshold)
        rows.append(ThresholdRow(
            threshold=threshold, recommended=advice.recommend(facts, goals).recommended,
            trainable_without_email=[f.label for f in facts if f.open_examples >= threshold],
            trainable_without_paying=[f.label for f in facts if f.usable_examples >= threshold]))
    return rows
