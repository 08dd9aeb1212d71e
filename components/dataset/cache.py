"""Per-dataset caching of statistics, so reruns (every widget change) never recompute them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from services.dataset.loader import LoadedDataset


def dataset_key(ds: LoadedDataset) -> str:
    """Identifies the loaded dataset for caches (it is itself a cached, shared object)."""
    return f"{id(ds)}:{ds.name}:{ds.size_bytes}:{len(ds)}"


@st.cache_data(max_entries=128, show_spinner=False)
def _call(name: str, key: str, args: tuple, _fn: Callable[..., Any], _ds: LoadedDataset) -> Any:
    return _fn(_ds, *args)


def per_dataset(fn: Callable[..., Any], ds: LoadedDataset, *args: Any) -> Any:
    """`fn(ds, *args)`, computed once per loaded dataset and arguments."""
    return _call(f"{fn.__module__}.{fn.__qualname__}", dataset_key(ds), args, fn, ds)
