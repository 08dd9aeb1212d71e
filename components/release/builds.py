"""The bundles of the current plan: card texts, cached builds, check reports, overrides.

Owns the `release.*` and `card_text.*` keys. The data part of a tier is built once per
(dataset, plan) and the card per text version, so editing the card's words re-renders the
card without rebuilding the data files.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import streamlit as st

from components.dataset.cache import dataset_key
from components.hub.client import endpoint
from services.dataset.loader import LoadedDataset
from services.dataset.summary import persona_arc_cells
from services.release import bundle as bundles
from services.release.card.render import CardText
from services.release.checks import runner
from services.release.checks.report import Override, TierReport
from services.strategy.plans import Plan
from services.strategy.sampling import TierSelection

OVERRIDES_KEY = "release.overrides"
TEXT_KEY = "release.card_text"


@st.cache_resource(max_entries=8, show_spinner="Building the release files…")
def _tier_data(key: str, plan_json: str, tier: str, _ds: LoadedDataset, _plan: Plan,
               _selection: TierSelection) -> bundles.TierData:
    return bundles.prepare_tier(_ds, _plan, _selection)


@st.cache_resource(max_entries=16, show_spinner=False)
def _finished(key: str, plan_json: str, tier: str, text_json: str, hub_url: str, _data: bundles.TierData,
              _plan: Plan, _text: CardText) -> bundles.Bundle:
    """The card and manifest for one version of the words (hashing the files is not free)."""
    return bundles.finish_bundle(_data, _plan, _text, hub_url)


def card_text(tier: str) -> CardText:
    return st.session_state.setdefault(TEXT_KEY, {}).get(tier) or CardText()


def set_card_text(tier: str, text: CardText) -> None:
    st.session_state.setdefault(TEXT_KEY, {})[tier] = text


def overrides(tier: str) -> list[Override]:
    return st.session_state.setdefault(OVERRIDES_KEY, {}).get(tier, [])


def add_override(tier: str, item: Override) -> None:
    st.session_state.setdefault(OVERRIDES_KEY, {}).setdefault(tier, []).append(item)


@st.cache_data(max_entries=32, show_spinner="Checking the release…")
def _report(key: str, plan_json: str, text_json: str, tier: str, _b: bundles.Bundle, _plan: Plan,
            _selections: dict[str, TierSelection], _ds: LoadedDataset) -> TierReport:
    return runner.check_tier(_b, _plan, _selections, _ds.consultant_profile, persona_arc_cells(_ds))


@st.cache_resource(max_entries=8, show_spinner=False)
def _rows(key: str, plan_json: str, tier: str, _data: bundles.TierData) -> list[dict[str, Any]]:
    return _data.conversations.to_pylist()


def released_rows(ds: LoadedDataset, plan: Plan, selections: dict[str, TierSelection],
                  tier: str) -> list[dict[str, Any]]:
    """The tier's `conversations` rows as released (what marketing may share), cached per plan."""
    key, plan_json = dataset_key(ds), plan.model_dump_json()
    return _rows(key, plan_json, tier, _tier_data(key, plan_json, tier, ds, plan, selections[tier]))


def released_tiers(plan: Plan, selections: dict[str, TierSelection]) -> list[str]:
    return [t.name for t in plan.tiers if t.channel in bundles.BUILDABLE and selections[t.name].error is None]


def tier_release(ds: LoadedDataset, plan: Plan, selections: dict[str, TierSelection],
                 tier: str) -> tuple[bundles.Bundle, TierReport]:
    """The tier's bundle with its check report (and the owner's overrides) recorded in it."""
    key, plan_json = dataset_key(ds), plan.model_dump_json()
    data = _tier_data(key, plan_json, tier, ds, plan, selections[tier])
    text = card_text(tier)
    finished = _finished(key, plan_json, tier, text.model_dump_json(), endpoint(), data, plan, text)
    # A copy per run: the session's overrides go into its manifest, never into the shared one.
    built = dataclasses.replace(finished, files=dict(finished.files), manifest=dict(finished.manifest))
    report = _report(key, plan_json, text.model_dump_json(), tier, built, plan, selections, ds).model_copy(
        update={"overrides": overrides(tier)})
    runner.attach_report(built, report)
    return built, report
