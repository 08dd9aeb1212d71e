"""Widgets that edit a plan's settings and each tier's rules, returning the edited plan.

Owns the `tier_editor.*` keys; each includes the plan's version (see plan_state), so a newly
loaded plan starts from its own values.
"""

from __future__ import annotations

import streamlit as st
from pydantic import ValidationError

from components.strategy.gate_form import editor as gate_form_editor
from services.strategy.licenses import HUB_LICENSES, SUGGESTED
from services.strategy.links import host_problem
from services.strategy.plans import CHANNELS, DOWNLOAD_GATE, Filters, Gating, Plan, Relation, Selection, Tier
from services.strategy.presets import preset_hybrid

MODES = {"all": "Everything eligible", "conversations": "N conversations (stratified)",
         "examples": "N supervised examples (stratified)"}
DIMENSIONS = ["persona", "arc", "topic"]


def _relation_options(plan: Plan, tier: Tier) -> list[str]:
    others = [t.name for t in plan.tiers if t.name != tier.name]
    return ["none"] + [f"{kind}:{name}" for name in others for kind in ("disjoint_from", "subset_of")]


def _relation_label(option: str) -> str:
    if option == "none":
        return "no relation"
    kind, name = option.split(":", 1)
    return f"{kind.replace('_', ' ')} {name}"


def _edit_tier(plan: Plan, tier: Tier, version: int, arcs: list[str], topics: list[str],
               privacy_url: str | None) -> Tier:
    k = f"tier_editor.{version}.{tier.name}."
    sel, f = tier.selection, tier.selection.filters
    c1, c2, c3 = st.columns(3)
    channel = c1.selectbox("Channel", list(CHANNELS), index=list(CHANNELS).index(tier.channel),
                           format_func=CHANNELS.get, key=k + "channel")
    mode = c2.selectbox("Selection", list(MODES), index=list(MODES).index(sel.mode), format_func=MODES.get,
                        key=k + "mode")
    size = c3.number_input("Size (N)", min_value=1, value=sel.size or 100, step=1, key=k + "size",
                           disabled=mode == "all", help="conversations or supervised examples, as chosen")
    if channel == "download":
        st.caption(f":material/lock_open: {DOWNLOAD_GATE}")
    c1, c2 = st.columns([2, 1])
    strata = c1.multiselect("Stratify by", DIMENSIONS, default=sel.strata, key=k + "strata",
                            disabled=mode == "all")
    options = _relation_options(plan, tier)
    current = f"{tier.relations[0].kind}:{tier.relations[0].tier}" if tier.relations else "none"
    relation = c2.selectbox("Relation to another tier", options,
                            index=options.index(current) if current in options else 0,
                            format_func=_relation_label, key=k + "relation")
    c1, c2, c3, c4 = st.columns(4)
    min_quality = c1.number_input("Minimum quality", min_value=0.0, max_value=5.0, step=0.1,
                                  value=float(f.min_quality or 0.0), key=k + "min_quality",
                                  help="0 keeps every conversation")
    min_supervised = c2.number_input("Min. examples per conversation", min_value=0, step=1,
                                     value=f.min_supervised_examples, key=k + "min_supervised")
    arcs_exclude = c3.multiselect("Exclude arcs", arcs, default=[a for a in f.arcs_exclude if a in arcs],
                                  key=k + "arcs_exclude")
    topics_exclude = c4.multiselect("Exclude topics", topics, default=[t for t in f.topics_exclude if t in topics],
                                    key=k + "topics_exclude")
    c1, c2 = st.columns([1, 2])
    offered = list(SUGGESTED) + sorted(set(HUB_LICENSES) - set(SUGGESTED))
    license_ = c1.selectbox("License", offered, index=offered.index(tier.license) if tier.license in offered else 0,
                            key=k + "license", help="the Hub accepts only its own list of license identifiers")
    license_name = tier.license_name
    if license_ == "other":
        license_name = c1.text_input("License name", value=tier.license_name or "", key=k + "license_name",
                                     help="shown on the Hub; the LICENSE file holds the text") or None
    if sel.pin_in or sel.pin_out:
        c2.caption(f"Pinned in: {len(sel.pin_in)} · pinned out: {len(sel.pin_out)} (change them on the Samples page)")
    gating = tier.gating
    if channel == "hub_gated":
        gating = gating or preset_hybrid().tiers[0].gating or Gating()
        approval = c2.segmented_control("Access requests", ["auto", "manual"], default=gating.mode,
                                        key=k + "gating_mode")
        gating = gating.model_copy(update={"mode": approval or gating.mode})
        st.markdown("**The Hub's access form**")
        gating = gate_form_editor(gating, privacy_url, k)
    filters = f.model_copy(update={
        "min_quality": min_quality or None, "min_supervised_examples": int(min_supervised),
        "arcs_exclude": arcs_exclude, "topics_exclude": topics_exclude})
    selection = Selection(mode=mode, size=None if mode == "all" else int(size), strata=strata or [],
                          filters=Filters.model_validate(filters.model_dump()), pin_in=sel.pin_in,
                          pin_out=sel.pin_out)
    relations = [] if relation == "none" else [Relation(kind=relation.split(":")[0], tier=relation.split(":")[1])]
    return tier.model_copy(update={"channel": channel, "selection": selection, "relations": relations,
                                   "license": license_, "license_name": license_name,
                                   "gating": gating if channel == "hub_gated" else None})


def plan_editor(plan: Plan, version: int, arcs: list[str], topics: list[str]) -> Plan:
    """Render the editors; return the edited plan (or the unchanged one, with the error shown)."""
    k = f"tier_editor.{version}."
    c1, c2, c3 = st.columns([1, 1, 2])
    seed = c1.number_input("Random seed", value=plan.seed, step=1, key=k + "seed",
                           help="the same seed, plan and data give the same tiers")
    threshold = c2.number_input("Trainable from (supervised examples)", min_value=1, value=plan.trainable_threshold,
                                step=50, key=k + "threshold", help="the platform's LoRA readiness rule is 500")
    privacy_url = c3.text_input("Privacy notice (URL)", value=plan.privacy_url or "", key=k + "privacy_url",
                                placeholder="https://your-site/privacy",
                                help="every lead form links to it: the landing page and the Hub's access form. "
                                     "It names Supabase as the processor and how to unsubscribe.").strip() or None
    if (problem := host_problem(privacy_url)) and any(t.captures_leads for t in plan.tiers):
        c3.caption(f":material/warning: The lead forms cannot go live without it: {problem}.")
    t1, t2, t3 = st.columns(3)
    target_leads = t1.number_input("Target: leads", min_value=0, value=plan.targets.leads, step=5, key=k + "t_leads",
                                   help="landing-page leads and Hub access requests; the Traction page measures them")
    target_downloads = t2.number_input("Target: downloads", min_value=0, value=plan.targets.downloads, step=10,
                                       key=k + "t_downloads")
    target_days = t3.number_input("…in the first days", min_value=1, max_value=90, value=plan.targets.days,
                                  key=k + "t_days")
    tiers = []
    for tier in plan.tiers:
        with st.expander(f"**{tier.name}** · {CHANNELS[tier.channel]}", expanded=False):
            tiers.append(_edit_tier(plan, tier, version, arcs, topics, privacy_url))
    try:
        return Plan.model_validate({**plan.model_dump(), "seed": int(seed), "trainable_threshold": int(threshold),
                                    "privacy_url": privacy_url, "tiers": [t.model_dump() for t in tiers],
                                    "targets": {"leads": int(target_leads), "downloads": int(target_downloads),
                                                "days": int(target_days)}})
    except ValidationError as exc:
        st.error("These rules do not make a valid plan: "
                 + "; ".join(e["msg"].removeprefix("Value error, ") for e in exc.errors()))
        return plan
