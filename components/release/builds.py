"""The bundles of the current plan: card texts, cached builds, check reports, overrides.

Owns the `release.*` and `card_text.*` keys. The data part of a tier is built once per
(dataset, plan) and the card per text version, so editing the card's words re-renders the
card without rebuilding the data files.
"""

from __future__ import annotations

import dataclasses
import hashlib
import tempfile
from pathlib import Path
from typing import Any

import streamlit as st

from components.dataset.cache import dataset_key
from components.feedback import state as feedback_state
from components.hub.client import endpoint, release_records
from services.dataset.loader import LoadedDataset
from services.dataset.report import LoadError
from services.dataset.summary import persona_arc_cells
from services.funnel.space import LeadCapture, space_files
from services.hub.config import HubConfigError
from services.hub.history import previous_releases
from services.marketing import featured, kit
from services.release import bundle as bundles
from services.release import tier_data
from services.release.card.render import CardText
from services.release.card.whats_new import PreviousReleases
from services.release.checks import runner
from services.release.checks.report import Override, TierReport
from services.strategy.plans import Plan
from services.strategy.sampling import TierSelection

OVERRIDES_KEY = "release.overrides"
TEXT_KEY = "release.card_text"


@st.cache_resource(show_spinner=False)
def _staging_root() -> Path:
    """Where this process stages the files of the releases it builds (on disk: a tier of any size), removed
    when the process ends."""
    folder = tempfile.TemporaryDirectory(prefix="studio-builds-")
    _STAGING.append(folder)  # kept alive, and so on disk, as long as the process
    return Path(folder.name)


_STAGING: list[tempfile.TemporaryDirectory] = []


@st.cache_resource(max_entries=8, show_spinner="Building the release files…")
def _tier_data(key: str, plan_json: str, tier: str, _ds: LoadedDataset, _plan: Plan,
               _selection: TierSelection) -> tier_data.TierData:
    return bundles.prepare_tier(_ds, _plan, _selection, staging=_staging_root())


@st.cache_resource(max_entries=16, show_spinner=False)
def _finished(key: str, plan_json: str, tier: str, text_json: str, hub_url: str, previous_json: str,
              themes: tuple[str, ...], _data: tier_data.TierData, _plan: Plan, _text: CardText,
              _previous: PreviousReleases | None) -> bundles.Bundle:
    """The card and manifest for one version of the words (hashing the files is not free)."""
    return bundles.finish_bundle(_data, _plan, _text, hub_url, _previous, themes)


def _previous() -> PreviousReleases | None:
    """The tiers' earlier releases from the history (None when it cannot be read: no "What's new" then)."""
    try:
        return previous_releases(release_records())
    except (LoadError, OSError):
        return None


def _themes(ds: LoadedDataset, tier: str, previous: PreviousReleases | None) -> tuple[str, ...]:
    """The themes people raised, for the "What's new" of a tier released before: from the inbox read the
    card asks for itself (the Feedback page's, cached five minutes), whichever page was opened first. A
    tier never released has no section, so nothing is read for it."""
    if previous is None or not any(r.tier == tier for r in previous.releases):
        return ()
    try:
        got = feedback_state.inbox(ds)
    except (LoadError, OSError):  # the history cannot be read: the Releases page says why
        return ()
    return () if isinstance(got, HubConfigError) else tuple(t.theme for t in got[0].themes)


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
    return runner.check_tier(_b, _plan, _selections, _ds.consultant_profile, persona_arc_cells(_ds), _ds)


def _released(ds: LoadedDataset, plan: Plan, selections: dict[str, TierSelection], tier: str) -> tier_data.TierData:
    key, plan_json = dataset_key(ds), plan.model_dump_json()
    return _tier_data(key, plan_json, tier, ds, plan, selections[tier])


@st.cache_resource(max_entries=8, show_spinner=False)
def _featured(key: str, plan_json: str, tier: str, _ds: LoadedDataset,
              _data: tier_data.TierData) -> list[dict[str, Any]]:
    rows = featured.released_facts(_ds, _data.conversation_ids)
    by_id = {r["conversation_id"]: r for r in rows}
    return [by_id[cid] for cid in featured.best(rows)]


def featured_rows(ds: LoadedDataset, plan: Plan, selections: dict[str, TierSelection],
                  tier: str) -> list[dict[str, Any]]:
    """The tier's best released conversations to feature, best first (`featured.best`), with their facts:
    ranked once per dataset, plan and tier, not on every rerun."""
    key, plan_json = dataset_key(ds), plan.model_dump_json()
    return _featured(key, plan_json, tier, ds, _released(ds, plan, selections, tier))


def released_row(ds: LoadedDataset, plan: Plan, selections: dict[str, TierSelection], tier: str,
                 conversation_id: str) -> tuple[int, dict[str, Any]]:
    """One conversation's row as released (what marketing may share) and its row number."""
    return kit.released_row(_released(ds, plan, selections, tier), conversation_id)


def released_tiers(plan: Plan, selections: dict[str, TierSelection]) -> list[str]:
    return [t.name for t in plan.tiers if t.channel in tier_data.BUILDABLE and selections[t.name].error is None]


def pick_released_tier(plan: Plan, selections: dict[str, TierSelection], key: str) -> str:
    """The released tier the page works on (a segmented control under `key`), with a word on each
    tier that is not built; stops the page when the plan releases nothing."""
    tiers = released_tiers(plan, selections)
    if not tiers:
        st.info("This plan releases nothing: every tier is kept back, or cannot be built. Change it on the "
                "Strategy page.")
        st.stop()
    tier = st.segmented_control("Tier", tiers, default=tiers[0], key=key) or tiers[0]
    for other in plan.tiers:
        if other.name not in tiers:
            why = selections[other.name].error or "kept back: it is not released"
            st.caption(f":material/info: **{other.name}** is not built here — {why}")
    return tier


def tier_release(ds: LoadedDataset, plan: Plan, selections: dict[str, TierSelection],
                 tier: str) -> tuple[bundles.Bundle, TierReport]:
    """The tier's bundle with its check report (and the owner's overrides) recorded in it."""
    key, plan_json = dataset_key(ds), plan.model_dump_json()
    data = _tier_data(key, plan_json, tier, ds, plan, selections[tier])
    text = card_text(tier)
    previous = _previous()
    themes = _themes(ds, tier, previous)
    finished = _finished(key, plan_json, tier, text.model_dump_json(), endpoint(),
                         previous.model_dump_json() if previous else "", themes, data, plan, text, previous)
    # A copy per run: the session's overrides go into its manifest, never into the shared one.
    built = dataclasses.replace(finished, files=dict(finished.files), manifest=dict(finished.manifest))
    report = _report(key, plan_json, text.model_dump_json(), tier, built, plan, selections, ds).model_copy(
        update={"overrides": overrides(tier)})
    runner.attach_report(built, report)
    return built, report


@st.cache_data(max_entries=8, show_spinner="Building the landing page…")
def _landing_space(manifest_sha: str, space_id: str, endpoint: str, capture_id: str, _built: bundles.Bundle,
                   _capture: LeadCapture) -> dict[str, bytes]:
    return space_files(_built.zip_bytes(), space_id, endpoint, _capture)


def landing_space(built: bundles.Bundle, space_id: str, endpoint: str, capture: LeadCapture) -> dict[str, bytes]:
    """A download tier's landing Space (page, README, zip), built once per release, Space and
    project rather than on every rerun: the zip is compressed anew each time it is built.
    `ReleaseError` when it cannot be (no privacy notice, say)."""
    manifest_sha = hashlib.sha256(built.files[bundles.MANIFEST]).hexdigest()
    capture_id = hashlib.sha256(f"{capture.supabase_url}\n{capture.publishable_key.get_secret_value()}".encode()
                                ).hexdigest()[:16]
    return _landing_space(manifest_sha, space_id, endpoint, capture_id, built, capture)
