"""One `Records` per Hub the studio talks to: the real one's, or the sandbox's folder."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from services.feedback import likers
from services.feedback.forms import JsonlAnswers, LandingFeedback, SupabaseAnswers
from services.funnel.landing_pages import JsonlLandingPages, LandingPageStore, SupabaseLandingPages
from services.funnel.leads import JsonlLeads, LandingLead, SupabaseLeads
from services.hub import history as release_history
from services.hub import requests as access
from services.hub import snapshots
from services.supabase.client import SupabaseSession
from services.supabase.log import TableLog
from services.utils.jsonl import JsonlLog
from services.utils.submissions import Submissions

Kind = Literal["supabase", "local", "sandbox"]
DecisionLog = JsonlLog[access.AccessDecision] | TableLog[access.AccessDecision]


@dataclass(frozen=True)
class Records:
    """Every store of one world. `leads`, `answers` and `landing_pages` are None without Supabase (no
    landing page can take a lead there)."""

    kind: Kind
    history: release_history.History
    snapshots: snapshots.SnapshotStore
    decisions: DecisionLog
    likers: likers.SightingStore
    leads: Submissions[LandingLead] | None
    answers: Submissions[LandingFeedback] | None
    landing_pages: LandingPageStore | None


def real_records(session: SupabaseSession | None) -> Records:
    """Supabase's tables when a session is given, else the local files under `releases/`."""
    if session is not None:
        return Records("supabase", release_history.SupabaseHistory(session), snapshots.supabase_store(session),
                       access.supabase_decisions(session), likers.supabase_sightings(session),
                       SupabaseLeads(session), SupabaseAnswers(session), SupabaseLandingPages(session))
    return Records("local", release_history.JsonlHistory(), snapshots.jsonl_store(), access.jsonl_decisions(),
                   likers.jsonl_sightings(), None, None, None)


LEADS_FILE, ANSWERS_FILE, LANDING_PAGES_FILE = "leads.jsonl", "feedback.jsonl", "landing-pages.jsonl"


def folder_records(folder: Path) -> Records:
    """Every store as a JSON-lines file in one folder: the sandbox's (its landing forms post there too)."""
    return Records("sandbox", release_history.JsonlHistory(folder / "history.jsonl"),
                   snapshots.jsonl_store(folder / "traction.jsonl"),
                   access.jsonl_decisions(folder / "access-decisions.jsonl"),
                   likers.jsonl_sightings(folder / "likers.jsonl"),
                   JsonlLeads(folder / LEADS_FILE), JsonlAnswers(folder / ANSWERS_FILE),
                   JsonlLandingPages(folder / LANDING_PAGES_FILE))
