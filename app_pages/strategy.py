"""Strategy: choose how to release — presets or a plan file, tier rules, the comparison."""

from pathlib import Path

import streamlit as st

from components.dataset import charts
from components.dataset.source import current_dataset
from components.marketing.brief import decision_brief
from components.strategy import advice_panel
from components.strategy.plan_state import (
    current_plan,
    plan_origin,
    plan_version,
    preset_table,
    selections,
    set_plan,
    update_plan,
)
from components.strategy.tier_editor import plan_editor
from services.dataset import summary
from services.strategy import compare
from services.strategy.plans import PlanError, dump_plan, parse_plan, save_plan
from services.strategy.presets import PRESET_LABELS, PRESETS

PLANS_DIR = Path("plans")
PRESET_KEY = "strategy.preset"
UPLOAD_KEY = "strategy.plan_file"

st.title("Strategy")
ds = current_dataset()

st.subheader("The three strategies at a glance")
st.dataframe(preset_table(ds), hide_index=True, width="stretch",
             column_config={"question": st.column_config.TextColumn("", width="medium")})
st.caption("Free examples are supervised examples (pairs with an assistant response). 'Trainable' uses the "
           "platform's LoRA readiness rule: 500 supervised examples.")


st.subheader("Recommendation")
st.caption("How much does each goal matter? The studio weighs each strategy's facts against them (the rules: "
           "`services/strategy/advice.py`).")
wanted = advice_panel.goals()
rec = advice_panel.recommendation(ds, current_plan(), selections(ds, current_plan()), wanted)


def _apply_preset() -> None:
    key = st.session_state.get(PRESET_KEY)
    if key:
        set_plan(PRESETS[key](), f"preset: {key}")


left, right = st.columns([2, 1])
with left:
    st.segmented_control("Start from a preset", list(PRESETS), format_func=PRESET_LABELS.get, key=PRESET_KEY,
                         on_change=_apply_preset)
with right, st.popover("Load a plan file", icon=":material/upload_file:"):
    uploaded = st.file_uploader("A plan saved as YAML or JSON", type=["yaml", "yml", "json"], key=UPLOAD_KEY)
    if uploaded is not None and st.button("Use this plan", key="strategy.use_file"):
        try:
            set_plan(parse_plan(uploaded.getvalue(), uploaded.name), f"file: {uploaded.name}")
            st.rerun()
        except PlanError as exc:
            st.error(f"This plan cannot be used. {exc}")

plan = current_plan()
st.subheader(f"Plan: {plan.name}")
st.caption(f"{plan.description} — from {plan_origin()}")
edited = plan_editor(plan, plan_version(), summary.known_keys(ds, "arc"), summary.known_keys(ds, "topic"))
if edited != plan:
    update_plan(edited)
    plan = edited

chosen = selections(ds, plan)
for sel in chosen.values():
    if sel.error:
        st.error(sel.error, icon=":material/error:")
    for note in sel.notes:
        st.warning(f"Tier '{sel.tier}': {note}", icon=":material/warning:")

table = compare.comparison(ds, plan, chosen)
st.dataframe(table.drop(columns=["error"]), hide_index=True, width="stretch", column_config={
    "tier": "Tier", "channel": "Channel", "conversations": "Conversations",
    "supervised_examples": "Supervised examples",
    "share_of_examples": st.column_config.ProgressColumn("Share of examples", format="percent", min_value=0,
                                                         max_value=1),
    "persona_arc_cells": st.column_config.TextColumn("Persona × arc cells"),
    "persona_topic_cells": st.column_config.TextColumn("Persona × topic cells"),
    "tv_persona": st.column_config.NumberColumn("TV persona", help="total-variation distance from the full mix"),
    "tv_arc": st.column_config.NumberColumn("TV arc", help="total-variation distance from the full mix"),
    "tv_topic": st.column_config.NumberColumn("TV topic", help="total-variation distance from the full mix"),
    "avg_quality": st.column_config.NumberColumn("Avg quality", format="%.2f"),
    "trainable": st.column_config.CheckboxColumn("Trainable alone"),
    "captures_leads": st.column_config.CheckboxColumn("Captures leads"),
    "license": "License",
})
summary = compare.strategy_summary(ds, plan, chosen)
cols = st.columns(4)
cols[0].metric("Free, no email (examples)", f"{summary.free_examples:,}", border=True)
cols[1].metric("Free for an email (examples)", f"{summary.email_examples:,}", border=True)
cols[2].metric("Kept back (examples)", f"{summary.kept_examples:,}", border=True)
cols[3].metric("Captures leads", "yes" if summary.captures_leads else "no", border=True)

left, right = st.columns([1, 1])
with left:
    st.altair_chart(charts.tier_examples_bars(table, plan.trainable_threshold), width="stretch")
with right:
    dimension = st.segmented_control("Composition by", ["persona", "arc", "topic"], default="arc",
                                     key="strategy.dimension") or "arc"
    st.altair_chart(charts.composition_bars(compare.composition(ds, chosen, dimension), dimension), width="stretch")

st.subheader("What if…")
advice_panel.what_ifs(ds, plan, wanted)

st.subheader("Keep this plan")
c1, c2, c3, c4 = st.columns([1, 1, 1.2, 0.8], vertical_alignment="bottom")
c1.download_button("Download plan (YAML)", dump_plan(plan, "yaml"), file_name=f"{plan.name}.plan.yaml",
                   mime="application/yaml", icon=":material/download:")
c2.download_button("Download plan (JSON)", dump_plan(plan, "json"), file_name=f"{plan.name}.plan.json",
                   mime="application/json", icon=":material/download:")
file_name = c3.text_input("Save as", value=f"{plan.name}.yaml", key="strategy.save_name",
                          help=f"written to the {PLANS_DIR}/ folder; .yaml or .json")
if c4.button("Save", icon=":material/save:", key="strategy.save"):
    name = Path(file_name.strip()).name  # a file name only: plans stay in their folder
    if not name or Path(name).suffix not in {".yaml", ".yml", ".json"}:
        st.error("Give the plan a file name ending in .yaml or .json.")
    else:
        st.success(f"Saved to {save_plan(plan, PLANS_DIR / name)}.", icon=":material/check:")
st.download_button("Decision brief (HTML)", data=lambda: decision_brief(ds, plan, chosen, wanted),
                   file_name=f"decision-brief-{plan.name}.html", mime="text/html", icon=":material/summarize:",
                   key="strategy.brief", on_click="ignore",
                   help="One file to forward: the data, the strategies, the recommendation, the plan, the checks")
st.caption("A plan file reproduces the release exactly: the same file, seed and data give the same tiers. "
           "Reproduce it with `python -m services.cli plan DATA --plan FILE`.")
