"""Coverage over the scaffolding: conversations per persona × arc × topic cell and per key.

Counted over the scaffolding's active keys (a key in the data that the scaffolding no longer lists
is counted under `other_keys`, not planned for). Keys come from the loaded dataset, resolved by
`services.dataset.keys`, so early exports count like later ones.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from itertools import product

from services.dataset.keys import Dimension
from services.dataset.loader import LoadedDataset
from services.dataset.scaffolding import Scaffolding

Cell = tuple[str, str, str]  # (persona key, arc key, topic key)


@dataclass
class Coverage:
    """Counts per cell and per key, over the scaffolding's active keys."""

    personas: list[str]
    arcs: list[str]
    topics: list[str]
    cells: Counter[Cell] = field(default_factory=Counter)
    other_keys: dict[Dimension, set[str]] = field(default_factory=dict)

    def keys(self, dim: Dimension) -> list[str]:
        """The active keys of a dimension, in key order."""
        return {"persona": self.personas, "arc": self.arcs, "topic": self.topics}[dim]

    def marginal(self, dim: Dimension) -> Counter[str]:
        """Conversations per key of a dimension (every active key present, zeros included)."""
        position = {"persona": 0, "arc": 1, "topic": 2}[dim]
        counts: Counter[str] = Counter({k: 0 for k in self.keys(dim)})
        for cell, n in self.cells.items():
            counts[cell[position]] += n
        return counts

    def all_cells(self) -> list[Cell]:
        """Every active cell, in key order."""
        return list(product(self.personas, self.arcs, self.topics))

    def copy(self) -> Coverage:
        """An independent copy (the choice adds its picks to one)."""
        return Coverage(self.personas, self.arcs, self.topics, Counter(self.cells), dict(self.other_keys))


def coverage_of(ds: LoadedDataset | None, scaffolding: Scaffolding) -> Coverage:
    """The dataset's conversations counted over the scaffolding's active cells (none without data)."""
    cov = Coverage([p.persona_key for p in scaffolding.active_personas], [a.arc_key for a in scaffolding.active_arcs],
                   [t.topic_key for t in scaffolding.active_topics])
    cov.cells = Counter({cell: 0 for cell in cov.all_cells()})
    if ds is None:
        return cov
    known = (set(cov.personas), set(cov.arcs), set(cov.topics))
    c = ds.columns
    for cell in zip(c.persona_key, c.arc_key, c.topic_key, strict=True):
        if all(key in keys for key, keys in zip(cell, known, strict=True)):
            cov.cells[cell] += 1
        else:
            for dim, key, keys in zip(("persona", "arc", "topic"), cell, known, strict=True):
                if key not in keys:
                    cov.other_keys.setdefault(dim, set()).add(key)  # type: ignore[arg-type]
    return cov
