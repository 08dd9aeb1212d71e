"""The release plan being worked on, shared by the Strategy and Samples pages.

Owns the `plan.*` session-state keys. A session opens on the plan that made the newest release (the
release history keeps it), so the Strategy page never contradicts what is out; with no release yet, on
the Billboard preset. Every change goes through `set_plan`, which bumps a
version number: widgets that edit the plan include it in their keys, so loading another plan
resets them instead of leaving stale values behind. Selections are cached per (dataset, plan).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.dataset.cache import dataset_key
from components.hub.client import release_records
from services.dataset.loader import LoadedDataset
from services.dataset.report import LoadError
from services.hub.history import plan_in_force
from services.strategy import compare
from services.strategy.plans import Plan
from services.strategy.presets import PRESETS
from services.strategy.sampling import TierSelection, select_plan

PLAN_KEY = "plan.current"
VERSION_KEY = "plan.version"
ORIGIN_KEY = "plan.origin"
DEFAULT_PRESET = "billboard"


def _opening_plan() -> tuple[Plan, str]:
    """The plan of the newest release and where it comes from; the default preset when none kept one."""
    try:
        newest = plan_in_force(release_records())
    except (LoadError, OSError):  # the history cannot be read: its page says why
        newest = None
    if newest is None or newest.plan is None:
        return PRESETS[DEFAULT_PRESET](), f"preset: {DEFAULT_PRESET}"
    return newest.plan, f"the newest release ({newest.tag or 'untagged'} of {newest.tier}, " \
                        f"{newest.released_at:%Y-%m-%d})"


def current_plan() -> Plan:
    if PLAN_KEY not in st.session_state:
        set_plan(*_opening_plan())
    return st.session_state[PLAN_KEY]


def plan_version() -> int:
    current_plan()
    return st.session_state[VERSION_KEY]


def plan_origin() -> str:
    current_plan()
    return st.session_state[ORIGIN_KEY]


def set_plan(plan: Plan, origin: str | None = None) -> None:
    st.session_state[PLAN_KEY] = plan
    st.session_state[VERSION_KEY] = st.session_state.get(VERSION_KEY, 0) + 1
    if origin is not None:
        st.session_state[ORIGIN_KEY] = origin


def update_plan(plan: Plan) -> None:
    """An edit made through the plan's own widgets: keep them (no version bump)."""
    st.session_state[PLAN_KEY] = plan


@st.cache_data(max_entries=64, show_spinner=False)
def _selections(dataset_key: str, plan_json: str, _ds: LoadedDataset, _plan: Plan) -> dict[str, TierSelection]:
    return select_plan(_ds, _plan)


def selections(ds: LoadedDataset, plan: Plan | None = None) -> dict[str, TierSelection]:
    plan = plan or current_plan()
    return _selections(dataset_key(ds), plan.model_dump_json(), ds, plan)


@st.cache_data(max_entries=8, show_spinner=False)
def _preset_table(dataset_key: str, _ds: LoadedDataset) -> pd.DataFrame:
    return compare.questions_table(compare.preset_comparison(_ds))


def preset_table(ds: LoadedDataset) -> pd.DataFrame:
    """The three presets compared (depends only on the dataset: computed once per dataset)."""
    return _preset_table(dataset_key(ds), ds)


def pin(tier: str, conversation_id: str, how: str) -> None:
    """Pin a conversation `in` or `out` of a tier, or `clear` its pins there."""
    plan = current_plan().model_copy(deep=True)
    sel = plan.tier(tier).selection
    sel.pin_in = [c for c in sel.pin_in if c != conversation_id]
    sel.pin_out = [c for c in sel.pin_out if c != conversation_id]
    if how == "in":
        sel.pin_in.append(conversation_id)
    elif how == "out":
        sel.pin_out.append(conversation_id)
    set_plan(plan)


def feature(tier: str, conversation_id: str | None) -> None:
    """Make a conversation the card's featured example for a tier (None: no featured one)."""
    plan = current_plan().model_copy(deep=True)
    plan.tier(tier).featured_conversation = conversation_id
    set_plan(plan)
