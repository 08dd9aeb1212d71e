"""Which cells the next batch generates, and why: deterministic, explainable, no model.

Over the scaffolding's active persona × arc × topic cells, one conversation at a time, the next
cell is the first by these rules, in order:

1. a cell not chosen yet in this batch, while the tier's pool has one (no cell twice before every
   cell was used once);
2. more of its keys with **no** conversation yet (an arc the data never covered comes in first);
3. more of its keys that feedback asks for and that have not had their share of the batch yet
   (`feedback_share` of the batch, split among the asked-for keys by how often each was asked), so
   what people ask for is lifted above its coverage rank without taking the whole batch;
4. the least covered keys, relative to their dimension's mean (persona, arc and topic weigh alike);
5. the least covered cell;
6. key order.

The edge-case share is kept as the batch grows: conversation i is an edge case while fewer than
round(i × share) are. Each chosen cell carries its reasons ("arc `fear_to_confidence` has 0
conversations", "topic `college_savings_529` asked for in 2 threads or form answers").
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

from services.batch.cell_counts import Cell, Coverage
from services.batch.demand import Asked
from services.dataset.keys import DIMENSIONS, Dimension
from services.dataset.scaffolding import Scaffolding

DEFAULT_FEEDBACK_SHARE = 0.25


@dataclass(frozen=True)
class Knobs:
    """The owner's choices for one batch."""

    total: int
    edge_share: float
    feedback_share: float = DEFAULT_FEEDBACK_SHARE


@dataclass(frozen=True)
class Pick:
    """One conversation of the batch: its cell, tier and the reasons it was chosen."""

    persona: str
    arc: str
    topic: str
    tier: Literal["edge_case", "template"]
    reasons: tuple[str, ...]

    @property
    def cell(self) -> Cell:
        """(persona, arc, topic)."""
        return (self.persona, self.arc, self.topic)


@dataclass
class Choice:
    """The batch's picks, the coverage before and after, and the quotas it kept."""

    picks: list[Pick]
    before: Coverage
    after: Coverage
    lift_quota: dict[tuple[Dimension, str], int] = field(default_factory=dict)


def default_edge_share(scaffolding: Scaffolding) -> float:
    """The scaffolding's own share of edge-case arcs (3 of 10 in the seed's)."""
    arcs = scaffolding.active_arcs
    return sum(a.tier == "edge_case" for a in arcs) / len(arcs) if arcs else 0.0


def _lift_quotas(asked: Asked, total: int, share: float) -> dict[tuple[Dimension, str], int]:
    """Each asked-for key's share of the batch: `share` of it, in proportion to how often it was asked."""
    if not asked:
        return {}
    lifted = max(1, round(total * share))
    weight = sum(asked.values())
    return {key: max(1, round(lifted * n / weight)) for key, n in sorted(asked.items())}


def choose(coverage: Coverage, scaffolding: Scaffolding, asked: Asked, knobs: Knobs) -> Choice:
    """The batch (see the module docstring for the rules)."""
    if knobs.total < 1:
        raise ValueError("a batch holds at least one conversation")
    edge_arcs = {a.arc_key for a in scaffolding.active_arcs if a.tier == "edge_case"}
    cells = coverage.all_cells()
    pools = {"edge_case": [c for c in cells if c[1] in edge_arcs],
             "template": [c for c in cells if c[1] not in edge_arcs]}
    if not cells:
        raise ValueError("the scaffolding has no active persona × arc × topic cell")
    now = coverage.copy()
    marg = {dim: now.marginal(dim) for dim in DIMENSIONS}
    quota = _lift_quotas(asked, knobs.total, knobs.feedback_share)
    lifted: dict[tuple[Dimension, str], int] = {}
    used: set[Cell] = set()
    picks: list[Pick] = []
    edge_done = 0
    for i in range(knobs.total):
        want_edge = edge_done < round((i + 1) * knobs.edge_share)
        wanted: Literal["edge_case", "template"] = "edge_case" if want_edge and pools["edge_case"] else "template"
        pool = pools[wanted] or pools["edge_case"]
        tier: Literal["edge_case", "template"] = "edge_case" if pool is pools["edge_case"] else "template"
        fresh = any(c not in used for c in pool)
        means = {dim: max(sum(marg[dim].values()) / max(len(marg[dim]), 1), 1.0) for dim in DIMENSIONS}

        def rank(cell: Cell, fresh: bool = fresh, means: dict = means) -> tuple:
            keys = dict(zip(DIMENSIONS, cell, strict=True))
            zero = sum(marg[d][k] == 0 for d, k in keys.items())
            lift = sum((d, k) in quota and lifted.get((d, k), 0) < quota[(d, k)] for d, k in keys.items())
            relative = sum(marg[d][k] / means[d] for d, k in keys.items())
            return (fresh and cell in used, -zero, -lift, round(relative, 9), now.cells[cell], cell)

        cell = min(pool, key=rank)
        keys = dict(zip(DIMENSIONS, cell, strict=True))
        reasons = [f"{d} `{k}` has 0 conversations" for d, k in keys.items() if marg[d][k] == 0]
        for d, k in keys.items():
            if (d, k) in quota and lifted.get((d, k), 0) < quota[(d, k)]:
                lifted[(d, k)] = lifted.get((d, k), 0) + 1
                n = asked[(d, k)]
                plural = "s" if n != 1 else ""
                reasons.append(f"{d} `{k}` asked for in {n} thread{plural} or form answer{plural}")
        if not reasons:
            d, k = min(keys.items(), key=lambda dk: (marg[dk[0]][dk[1]] / means[dk[0]], dk[0]))
            reasons.append(f"least covered: {d} `{k}` has {marg[d][k]:,} conversation{'s' if marg[d][k] != 1 else ''}")
        if now.cells[cell] == 0:
            reasons.append("a combination with no conversation yet")
        picks.append(Pick(*cell, tier=tier, reasons=tuple(reasons)))
        used.add(cell)
        now.cells[cell] += 1
        for d, k in keys.items():
            marg[d][k] += 1
        edge_done += tier == "edge_case"
    return Choice(picks=picks, before=coverage, after=now, lift_quota=quota)


def total_for_budget(budget: float, cost_per_conversation: float) -> int:
    """How many conversations a budget pays for (at least one is asked of the owner)."""
    return max(0, math.floor(budget / cost_per_conversation + 1e-9))
