"""The lead ledger on the page: filters, the table, its CSV, and decisions on pending requests.

Owns the `leads.*` keys. Deciding is guarded by the caller (the same access as publishing) and
each decision is recorded, whatever the Hub answers.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st
from huggingface_hub import HfApi

from components.access import locked_words
from services.errors import StudioError
from services.funnel import ledger
from services.hub import requests as access
from services.hub.config import HubSettings
from services.hub.requests import AccessDecision
from services.supabase.log import TableLog
from services.utils.jsonl import JsonlLog

RESULT_KEY = "leads.decision"
CONSENT = {"any": None, "yes": "yes", "no": "no", "not asked": "not asked"}


def filtered(people: list[ledger.Person]) -> pd.DataFrame:
    """The filters, then the ledger table they leave."""
    table = ledger.table(people)
    c1, c2, c3, c4 = st.columns([1.2, 1, 1.4, 1])
    statuses = c1.multiselect("Status", list(ledger.STATUS_ORDER), key="leads.status",
                              placeholder="every status")
    tiers = sorted({t for p in people for s in p.sources if (t := s.tier)})
    chosen_tiers = c2.multiselect("Tier", tiers, key="leads.tier", placeholder="every tier")
    sources = sorted({s.where for p in people for s in p.sources})
    chosen_sources = c3.multiselect("Source", sources, key="leads.source", placeholder="every repo and Space")
    consent = c4.selectbox("Marketing consent", list(CONSENT), key="leads.consent")
    search = st.text_input("Search email or name", key="leads.search", placeholder="part of an email or a name")
    keep = pd.Series(True, index=table.index)
    if statuses:
        keep &= table["status"].isin(statuses)
    if chosen_tiers:
        keep &= pd.Series([any(s.tier in chosen_tiers for s in p.sources) for p in people], index=table.index)
    if chosen_sources:
        keep &= pd.Series([any(s.where in chosen_sources for s in p.sources) for p in people], index=table.index)
    if CONSENT[consent]:
        keep &= table["marketing_consent"] == CONSENT[consent]
    if search.strip():
        needle = search.strip().lower()
        keep &= table["email"].fillna("").str.lower().str.contains(needle, regex=False) | \
            table["name"].fillna("").str.lower().str.contains(needle, regex=False)
    return table[keep]


def decisions(people: list[ledger.Person], gates: dict[str, str | bool], api: HfApi, settings: HubSettings,
              actor: str | None, log: JsonlLog[AccessDecision] | TableLog[AccessDecision], unread: int = 0) -> bool:
    """Accept or reject each pending request of a `manual` repo; True when one was decided (reread).
    `unread`: repos whose requests could not be read, so "none waits" is said of the others only."""
    waiting = [(p, s) for p in people for s in p.sources
               if s.request is not None and s.status == "pending" and gates.get(s.where) == "manual"]
    if not waiting:
        if unread:
            st.caption(f"No request waits in the {len(gates):,} repo(s) read; {unread:,} could not be read (above).")
        else:
            st.caption("No request waits for a decision (repos gated with automatic approval accept by themselves).")
        return False
    if actor is None:
        st.caption(f":material/lock: {len(waiting)} request(s) wait for a decision. {locked_words('decide_access')}")
        return False
    for i, (person, source) in enumerate(waiting):
        request = source.request
        assert request is not None
        with st.container(border=True):
            c1, c2, c3, c4 = st.columns([2.2, 2.4, 0.8, 0.8], vertical_alignment="bottom")
            who = person.email or (f"@{person.hub_user}" if person.hub_user else "a hidden requester")
            c1.markdown(f"**{who}** · `{source.where}` · asked {source.at:%Y-%m-%d}")
            reason = c2.text_input("Reason if rejected (the requester sees it)", key=f"leads.reason.{i}",
                                   max_chars=access.REASON_MAX)
            for col, decision, label in ((c3, "accepted", "Accept"), (c4, "rejected", "Reject")):
                problem = access.decision_problem(gates.get(source.where), request, decision, reason)
                if col.button(label, key=f"leads.{decision}.{i}", disabled=problem is not None, help=problem):
                    done = access.decide(api, settings, request, decision, actor,
                                         reason if decision == "rejected" else None)
                    try:
                        log.append(done)
                    except (StudioError, OSError) as exc:  # an unwritten record does not undo the Hub's answer
                        st.session_state[RESULT_KEY] = (done, f"the decision could not be recorded in {log.where}: "
                                                              f"{exc}")
                    else:
                        st.session_state[RESULT_KEY] = (done, None)
                    return True
    return False


def last_decision() -> None:
    """Say what the last decision did (and whether it was recorded)."""
    stored = st.session_state.pop(RESULT_KEY, None)
    if stored is None:
        return
    done, record_problem = stored
    who = done.username or done.request_id
    if done.outcome == "done":
        st.success(f"Request of **{who}** on `{done.repo_id}` {done.decision}; recorded.", icon=":material/done:")
    else:
        st.error(f"**Not {done.decision}.** {done.message}", icon=":material/error:")
    if record_problem:
        st.warning(record_problem)
