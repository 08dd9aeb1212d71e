"""The recommendation on the Strategy page: the owner's goals, the answer with its reasons, the what-ifs.

Owns the `advice.*` session-state keys (one slider per goal). Facts are cached per dataset and
plan; scoring them is instant, so moving a slider reruns only the rules.
"""

from __future__ import annotations

import streamlit as st

from components.dataset.cache import dataset_key
from components.strategy.plan_state import set_plan, update_plan
from services.dataset.loader import LoadedDataset
from services.strategy import advice, whatifs
from services.strategy.advice_chart import score_bars
from services.strategy.plans import Plan
from services.strategy.presets import PRESET_LABELS, PRESETS
from services.strategy.sampling import TierSelection

KEY = "advice.{}"


@st.cache_data(max_entries=8, show_spinner="Weighing the strategies…")
def _preset_facts(dataset_key: str, _ds: LoadedDataset) -> list[advice.StrategyFacts]:
    return advice.preset_facts(_ds)


@st.cache_data(max_entries=8, show_spinner=False)
def _what_ifs(dataset_key: str, plan_json: str, _ds: LoadedDataset, _plan: Plan) -> list[whatifs.WhatIf]:
    return [whatifs.smallest_covering_preview(_ds, _plan), whatifs.largest_preview_below_threshold(_ds, _plan)]


@st.cache_data(max_entries=32, show_spinner=False)
def _thresholds(dataset_key: str, goals_json: str, _ds: LoadedDataset) -> list[whatifs.ThresholdRow]:
    return whatifs.threshold_changes(_ds, advice.Goals.model_validate_json(goals_json))


def goals() -> advice.Goals:
    """The owner's goals, one slider each (defaults: the owner's stated preference)."""
    defaults = advice.Goals()
    cols = st.columns(len(advice.GOALS))
    values = {g: col.slider(defaults.title(g).capitalize(), 0, 5, defaults.weight(g), key=KEY.format(g),
                            help="0: does not matter · 5: matters most")
              for col, g in zip(cols, advice.GOALS, strict=True)}
    return advice.Goals(**values)


def recommendation(ds: LoadedDataset, plan: Plan, chosen: dict[str, TierSelection],
                   wanted: advice.Goals) -> advice.Recommendation:
    """Draw the answer, its reasons, its risk and what would change it; return it for the brief."""
    rec = advice.recommend(advice.with_current_plan(_preset_facts(dataset_key(ds), ds), ds, plan, chosen), wanted)
    st.success(f"**Recommended: {rec.recommended}** (score {rec.scores[rec.recommended]:.2f}; next: "
               f"{rec.runner_up}, {rec.scores[rec.runner_up]:.2f})", icon=":material/recommend:")
    st.markdown("**Why**\n" + "\n".join(f"1. {reason}" for reason in rec.reasons))
    st.warning(f"**Main risk.** {rec.risk}", icon=":material/report:")
    if rec.would_change:
        st.caption("What would change the answer: " + " ".join(rec.would_change))
    st.altair_chart(score_bars(rec), width="stretch")
    key = next((k for k, label in PRESET_LABELS.items() if label == rec.recommended), None)
    if key is not None and st.button(f"Use {rec.recommended}", key="advice.use", icon=":material/check:"):
        set_plan(PRESETS[key](), f"recommended: {key}")
        st.rerun()
    return rec


def what_ifs(ds: LoadedDataset, plan: Plan, wanted: advice.Goals) -> None:
    """The owner's real questions, each one click from becoming the plan."""
    for i, found in enumerate(_what_ifs(dataset_key(ds), plan.model_dump_json(), ds, plan)):
        with st.container(border=True):
            st.markdown(f"**{found.question}** {found.answer}")
            current = found.plan == plan
            if found.plan is not None and st.button("This is the plan" if current else "Make it the plan",
                                                    key=f"advice.what_if.{i}", disabled=current):
                set_plan(found.plan, f"what-if: {found.question}")
                st.rerun()
    rows = _thresholds(dataset_key(ds), wanted.model_dump_json(), ds)
    with st.container(border=True):
        st.markdown("**What would another trainable threshold change?**")
        st.dataframe([r.model_dump() for r in rows], hide_index=True, width="stretch", column_config={
            "threshold": st.column_config.NumberColumn("Trainable from (examples)"),
            "recommended": "Recommended", "trainable_without_email": st.column_config.ListColumn("Trainable free"),
            "trainable_without_paying": st.column_config.ListColumn("Trainable for a contact or free")})
        options = [r.threshold for r in rows if r.threshold != plan.trainable_threshold]
        c1, c2 = st.columns([1, 2], vertical_alignment="bottom")
        picked = c1.selectbox("Threshold", options, key="advice.threshold")
        if c2.button("Use this threshold in the plan", key="advice.use_threshold"):
            update_plan(plan.model_copy(update={"trainable_threshold": picked}))
            st.rerun()
