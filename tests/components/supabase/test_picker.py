"""The picker's shared store of loaded datasets: least recently used dropped first, safe across threads."""

from __future__ import annotations

import threading

from components.dataset.loaded import Loaded
from components.supabase.picker import STORE_SIZE, _Store


def _loaded(i: int) -> Loaded:
    return Loaded(dataset=None, error=None, seconds=float(i))  # type: ignore[arg-type]


def test_the_least_recently_used_is_dropped_first():
    store = _Store()
    for i in range(STORE_SIZE):
        store.put(("file", i), _loaded(i))
    assert store.get(("file", 0)) is not None  # 0 is now the most recently used
    store.put(("file", "new"), _loaded(99))
    assert store.get(("file", 1)) is None  # the oldest untouched entry went
    assert all(store.get(("file", i)) is not None for i in (0, 2, 3))
    assert len(store.items) == STORE_SIZE


def test_clear_and_concurrent_writers():
    store = _Store()
    threads = [threading.Thread(target=lambda i=i: [store.put((i, j), _loaded(j)) for j in range(200)])
               for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(store.items) == STORE_SIZE
    store.clear()
    assert store.get((0, 199)) is None and len(store.items) == 0
