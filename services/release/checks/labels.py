"""Where a tier's persona, arc and topic keys came from: an information finding, never a block.

The loader resolves every conversation's keys (`services.dataset.keys`); a release whose keys were
recovered (from the training pairs, the scaffolding's names, a slug of the name) is as good as one
whose export spelled them, but the owner should know before publishing. A released conversation
labelled `unlabelled` is a warning: its rows will not say who the client was.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from services.dataset.keys import DIMENSIONS, RECOVERED_FROM, UNLABELLED, KeySource
from services.dataset.loader import LoadedDataset
from services.release.checks.report import CheckResult, Place, found, passed

NAME = "labels"


def check_labels(ds: LoadedDataset, conversation_ids: Iterable[str]) -> CheckResult:
    """Pass, saying which rule gave recovered keys; warn for each released conversation left unlabelled."""
    position = {cid: i for i, cid in enumerate(ds.columns.conversation_id)}
    rows = [(cid, ds.key_provenance[position[cid]]) for cid in conversation_ids
            if cid in position and position[cid] < len(ds.key_provenance)]
    unlabelled = [Place(conversation_id=cid, detail=f"no {' / '.join(missing)} key or name: labelled `{UNLABELLED}`")
                  for cid, p in rows if (missing := [d for d in DIMENSIONS if getattr(p, d) == UNLABELLED])]
    if unlabelled:
        return found(NAME, "warn", unlabelled, f"{len(unlabelled):,} released conversations have no key and no name")
    recovered: Counter[KeySource] = Counter()
    for _, p in rows:
        rules: set[KeySource] = {getattr(p, d) for d in DIMENSIONS}
        recovered.update(rules & set(RECOVERED_FROM))
    if not recovered:
        return passed(NAME, "every conversation's persona, arc and topic keys come from its own scaffolding")
    said = "; ".join(f"keys recovered from {RECOVERED_FROM[rule]} for {n:,} of {len(rows):,} conversations"
                     for rule, n in sorted(recovered.items()))
    return passed(NAME, said)
