"""Turn a plan into each tier's conversations (and, for tiers counted in examples, pairs).

Deterministic: the same plan, seed and dataset give the same tiers in any process (the random
stream of a tier is derived from the plan's seed and the tier's name with SHA-256, and
candidates are ordered by conversation id before they are shuffled). Stratified with
proportional allocation, at least one per non-empty stratum when the size allows, and exact
sizes. Relations between tiers are honoured or the tier says why it cannot be built.

Everything runs on numpy arrays of the conversation table, because the Strategy page
recomputes all tiers on every edit (budget: 100 ms at 10,000 conversations).
"""

from __future__ import annotations

import hashlib
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from services.dataset.loader import LoadedDataset
from services.dataset.summary import DIMENSIONS
from services.strategy.errors import StrategyError
from services.strategy.plans import Plan, Tier


class SamplingError(StrategyError):
    """A tier's rules cannot be met on this dataset; the message says why, in words."""


@dataclass(frozen=True)
class TierSelection:
    tier: str
    indices: np.ndarray  # positions in the conversation table, ascending
    conversation_ids: tuple[str, ...]
    supervised_examples: int
    examples: tuple[tuple[str, int], ...] | None = None  # (conversation id, turn), for example-counted tiers
    notes: tuple[str, ...] = ()
    error: str | None = None

    @property
    def conversations(self) -> int:
        """How many conversations the tier holds."""
        return len(self.indices)


@dataclass
class _Arrays:
    """The columns sampling needs, as numpy arrays (built once per dataset)."""

    ids: np.ndarray
    order: np.ndarray  # positions sorted by conversation id: the canonical candidate order
    codes: dict[str, np.ndarray]
    keys: dict[str, list[str]]
    quality: np.ndarray
    supervised: np.ndarray
    turn_conv: np.ndarray  # per supervised pair: its conversation's position
    turn_number: np.ndarray
    position: dict[str, int] = field(default_factory=dict)


_ARRAYS: dict[int, tuple[weakref.ref, _Arrays]] = {}  # one dataset's arrays, never keeping it alive


def dataset_arrays(ds: LoadedDataset) -> _Arrays:
    """The dataset's sampling arrays, built once and reused while the same dataset is loaded."""
    cached = _ARRAYS.get(id(ds))
    if cached is not None and cached[0]() is ds:
        return cached[1]
    conv, turns = ds.conversation_table, ds.turn_table
    ids = conv["conversation_id"].to_numpy(dtype=object)
    codes, keys = {}, {}
    for dim, (key_col, _, _) in DIMENSIONS.items():
        codes[dim] = conv[key_col].cat.codes.to_numpy().astype(np.int64)
        keys[dim] = [str(k) for k in conv[key_col].cat.categories]
    answered = turns["has_target"].to_numpy()
    arrays = _Arrays(
        ids=ids, order=np.argsort(ids.astype(str), kind="stable"), codes=codes, keys=keys,
        quality=conv["quality"].to_numpy(), supervised=conv["supervised_examples"].to_numpy(),
        turn_conv=turns["conversation_id"].cat.codes.to_numpy()[answered].astype(np.int64),
        turn_number=turns["turn"].to_numpy()[answered],
        position={cid: i for i, cid in enumerate(ids)},
    )
    _ARRAYS.clear()  # one dataset at a time is enough
    _ARRAYS[id(ds)] = (weakref.ref(ds), arrays)
    return arrays


def tier_rng(seed: int, tier: str) -> np.random.Generator:
    """The tier's own random generator: the same seed and tier name draw the same sample."""
    digest = hashlib.sha256(f"{seed}:{tier}".encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:8], "big"))


def allocate(sizes: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """Split `n` over strata of `sizes` (capacities): proportional, at least one per non-empty
    stratum when n allows, never more than a stratum holds, summing to exactly n."""
    sizes = np.asarray(sizes, dtype=np.int64)
    total = int(sizes.sum())
    if n > total:
        raise SamplingError(f"asks for {n:,}, only {total:,} available")
    alloc = np.zeros(len(sizes), dtype=np.int64)
    nonempty = np.flatnonzero(sizes > 0)
    if n == 0 or total == 0:
        return alloc
    if n < len(nonempty):  # cannot cover every stratum: one each for n strata, bigger ones first
        ranked = nonempty[np.lexsort((rng.random(len(nonempty)), -sizes[nonempty]))]
        alloc[ranked[:n]] = 1
        return alloc
    quota = n * sizes / total
    alloc = np.minimum(np.maximum(np.floor(quota).astype(np.int64), (sizes > 0).astype(np.int64)), sizes)
    while (diff := n - int(alloc.sum())) != 0:
        if diff > 0:  # give to the largest shortfall that still has room
            room = np.flatnonzero(alloc < sizes)
            best = room[np.argmax(quota[room] - alloc[room])]
            alloc[best] += 1
        else:  # take from the largest excess that keeps its one
            over = np.flatnonzero(alloc > 1)
            best = over[np.argmax(alloc[over] - quota[over])]
            alloc[best] -= 1
    return alloc


def _strata(a: _Arrays, dims: Sequence[str], positions: np.ndarray) -> np.ndarray:
    """A stratum id per position (0..k-1), from the chosen dimensions."""
    if not dims:
        return np.zeros(len(positions), dtype=np.int64)
    combined = np.zeros(len(positions), dtype=np.int64)
    for dim in dims:
        combined = combined * (len(a.keys[dim]) + 1) + a.codes[dim][positions]
    return np.unique(combined, return_inverse=True)[1]


def _eligible(a: _Arrays, tier: Tier, done: dict[str, TierSelection]) -> np.ndarray:
    f = tier.selection.filters
    mask = np.ones(len(a.ids), dtype=bool)
    if f.min_quality is not None:
        mask &= np.nan_to_num(a.quality, nan=-1.0) >= f.min_quality
    for dim, only, exclude in (("arc", f.arcs_only, f.arcs_exclude), ("topic", f.topics_only, f.topics_exclude)):
        keys = np.array(a.keys[dim], dtype=object)
        if only:
            mask &= np.isin(keys, only)[a.codes[dim]]
        if exclude:
            mask &= ~np.isin(keys, exclude)[a.codes[dim]]
    if f.min_supervised_examples:
        mask &= a.supervised >= f.min_supervised_examples
    for rel in tier.relations:
        other = np.zeros(len(a.ids), dtype=bool)
        other[done[rel.tier].indices] = True
        mask &= other if rel.kind == "subset_of" else ~other
    return mask


def _pins(a: _Arrays, tier: Tier, done: dict[str, TierSelection]) -> tuple[np.ndarray, np.ndarray]:
    sel = tier.selection
    missing = [cid for cid in [*sel.pin_in, *sel.pin_out] if cid not in a.position]
    if missing:
        raise SamplingError(f"pinned conversation(s) not in this dataset: {', '.join(missing[:5])}")
    both = set(sel.pin_in) & set(sel.pin_out)
    if both:
        raise SamplingError(f"pinned both in and out: {', '.join(sorted(both)[:5])}")
    pin_in = np.array(sorted(a.position[c] for c in set(sel.pin_in)), dtype=np.int64)
    pin_out = np.array(sorted(a.position[c] for c in set(sel.pin_out)), dtype=np.int64)
    for rel in tier.relations:
        inside = np.isin(pin_in, done[rel.tier].indices)
        broken = pin_in[~inside] if rel.kind == "subset_of" else pin_in[inside]
        if len(broken):
            raise SamplingError(f"pinned in, but {rel.kind.replace('_', ' ')} '{rel.tier}' forbids: "
                                + ", ".join(a.ids[broken][:5]))
    return pin_in, pin_out


def _take_conversations(a: _Arrays, candidates: np.ndarray, n: int, dims: Sequence[str],
                        rng: np.random.Generator) -> tuple[np.ndarray, list[str]]:
    strata = _strata(a, dims, candidates)
    sizes = np.bincount(strata, minlength=int(strata.max()) + 1 if len(strata) else 0)
    notes = []
    if 0 < n < len(sizes):
        notes.append(f"{n} is fewer than the {len(sizes)} strata: not every stratum can be covered")
    alloc = allocate(sizes, n, rng)
    shuffled = candidates[rng.permutation(len(candidates))]
    shuffled_strata = _strata(a, dims, shuffled)
    taken = [shuffled[shuffled_strata == s][:k] for s, k in enumerate(alloc) if k]
    return (np.concatenate(taken) if taken else np.zeros(0, dtype=np.int64)), notes


def _take_examples(a: _Arrays, candidates: np.ndarray, n: int, dims: Sequence[str],
                   rng: np.random.Generator) -> tuple[dict[int, int], list[str]]:
    """{conversation position: examples taken from it (its first k answered turns)}."""
    candidates = candidates[a.supervised[candidates] > 0]
    strata = _strata(a, dims, candidates)
    k = int(strata.max()) + 1 if len(strata) else 0
    capacity = np.bincount(strata, weights=a.supervised[candidates], minlength=k).astype(np.int64)
    notes = []
    if 0 < n < k:
        notes.append(f"{n} is fewer than the {k} strata: not every stratum can be covered")
    alloc = allocate(capacity, n, rng)
    shuffled = rng.permutation(len(candidates))
    taken: dict[int, int] = {}
    for s, want in enumerate(alloc):
        for i in shuffled[strata[shuffled] == s]:
            if want <= 0:
                break
            pos = int(candidates[i])
            got = min(int(a.supervised[pos]), int(want))
            taken[pos] = got
            want -= got
    return taken, notes


def _examples_of(a: _Arrays, counts: dict[int, int]) -> tuple[tuple[str, int], ...]:
    """The first `count` answered turns of each conversation, as (id, turn), sorted."""
    if not counts:
        return ()
    positions = np.fromiter(counts, dtype=np.int64, count=len(counts))
    rows = np.flatnonzero(np.isin(a.turn_conv, positions))
    out = []
    seen: dict[int, int] = {}
    for r in rows:
        pos = int(a.turn_conv[r])
        seen[pos] = seen.get(pos, 0) + 1
        if seen[pos] <= counts[pos]:
            out.append((a.ids[pos], int(a.turn_number[r])))
    return tuple(sorted(out))


def select_tier(ds: LoadedDataset, plan: Plan, tier: Tier, done: dict[str, TierSelection]) -> TierSelection:
    """Draw one tier, given the tiers already drawn (its relations refer to them)."""
    a = dataset_arrays(ds)
    sel = tier.selection
    rng = tier_rng(plan.seed, tier.name)
    pin_in, pin_out = _pins(a, tier, done)
    eligible = _eligible(a, tier, done)
    eligible[pin_out] = False
    eligible[pin_in] = False
    candidates = a.order[eligible[a.order]]  # canonical order: by conversation id
    notes: list[str] = []
    examples = None
    if sel.mode == "all":
        chosen = np.concatenate([candidates, pin_in])
    elif sel.mode == "conversations":
        n = (sel.size or 0) - len(pin_in)  # a plan with this mode always has a size (Selection checks)
        if n < 0:
            raise SamplingError(f"{len(pin_in)} conversations are pinned in, more than the size {sel.size}")
        if n > len(candidates):
            raise SamplingError(f"asks for {sel.size:,} conversations; only {len(candidates) + len(pin_in):,} "
                                "are eligible after its filters, pins and relations")
        taken, notes = _take_conversations(a, candidates, n, sel.strata, rng)
        chosen = np.concatenate([taken, pin_in])
    else:
        pinned = int(a.supervised[pin_in].sum())
        n = (sel.size or 0) - pinned
        if n < 0:
            raise SamplingError(f"the pinned conversations hold {pinned} supervised examples, more than {sel.size}")
        available = int(a.supervised[candidates].sum())
        if n > available:
            raise SamplingError(f"asks for {sel.size:,} supervised examples; only {available + pinned:,} are "
                                "eligible after its filters, pins and relations")
        counts, notes = _take_examples(a, candidates, n, sel.strata, rng)
        counts.update({int(p): int(a.supervised[p]) for p in pin_in})
        chosen = np.fromiter(counts, dtype=np.int64, count=len(counts))
        examples = _examples_of(a, counts)
    chosen = np.sort(chosen.astype(np.int64))
    supervised = len(examples) if examples is not None else int(a.supervised[chosen].sum())
    return TierSelection(tier=tier.name, indices=chosen, conversation_ids=tuple(a.ids[chosen]),
                         supervised_examples=supervised, examples=examples, notes=tuple(notes))


def select_plan(ds: LoadedDataset, plan: Plan) -> dict[str, TierSelection]:
    """Every tier, in plan order; a tier that cannot be built carries its error and is empty."""
    done: dict[str, TierSelection] = {}
    for name in plan.resolution_order():
        tier = plan.tier(name)
        try:
            done[name] = select_tier(ds, plan, tier, done)
        except SamplingError as exc:
            done[name] = TierSelection(tier=name, indices=np.zeros(0, dtype=np.int64), conversation_ids=(),
                                       supervised_examples=0, error=f"tier '{name}': {exc}")
    return {t.name: done[t.name] for t in plan.tiers}


def membership(ds: LoadedDataset, selections: dict[str, TierSelection]) -> pd.DataFrame:
    """One boolean column per tier, one row per conversation (for filters and badges)."""
    n = len(ds.conversation_table)
    cols = {}
    for name, sel in selections.items():
        mask = np.zeros(n, dtype=bool)
        mask[sel.indices] = True
        cols[name] = mask
    return pd.DataFrame(cols, index=ds.conversation_table["conversation_id"])


def tier_labels(member: pd.DataFrame) -> list[str]:
    """Per conversation, the tiers it is in ('a, b'), or '—'."""
    names = list(member.columns)
    return [", ".join(n for n, inside in zip(names, row, strict=True) if inside) or "—"
            for row in member.to_numpy()]
