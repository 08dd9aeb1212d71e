"""A load's outcome, shared by every source: the dataset or the error, and how long it took."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from services.dataset.loader import LoadedDataset
from services.dataset.report import LoadError

if TYPE_CHECKING:
    from services.supabase.consistency import ConsistencyCheck  # Supabase only: not imported for other sources


@dataclass(frozen=True)
class Loaded:
    """Cached as a whole, so a broken source is not re-read on every rerun."""

    dataset: LoadedDataset | None
    error: LoadError | None
    seconds: float
    consistency: list[ConsistencyCheck] = field(default_factory=list)  # Supabase training files only


def timed_load(load: Callable[[], LoadedDataset]) -> Loaded:
    started = time.perf_counter()
    try:
        return Loaded(load(), None, time.perf_counter() - started)
    except LoadError as exc:
        return Loaded(None, exc, time.perf_counter() - started)
