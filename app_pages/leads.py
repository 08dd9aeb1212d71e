"""Leads: one ledger of everyone who asked for the data — Hub access requests of every gated repo
in the release history and landing-page leads from Supabase — one row per person.

Leads are personal data: the page shows them to the owner and marketing roles only; accepting or
rejecting an access request is the owner's.
"""

import streamlit as st

from components.access import actor_for, gate
from components.funnel import ledger_panel
from components.hub.client import client, forget_release_records, published, records, settings, token_id
from components.hub.funnel_state import decision_log
from services.dataset.report import LoadError
from services.funnel.ledger import NOT_VERIFIED
from services.funnel.sources import NO_SUPABASE, LedgerRead, read_ledger
from services.hub.config import HOW_TO_CONFIGURE, HubConfigError, HubSettings
from services.hub.history import PublishedRepo
from services.utils.untrusted import csv_text

TTL = 60


@st.cache_data(ttl=TTL, show_spinner="Reading the access requests and the leads…")
def _ledger(key: str, repos_key: str, _repos: list[PublishedRepo], _settings: HubSettings) -> LedgerRead:
    return read_ledger(client(_settings), _settings, _repos, records().leads)



def _refresh() -> None:
    """Before the rerun: read the history again (a repo published meanwhile, from the command line
    say, shows at once) and the Hub."""
    forget_release_records()
    _ledger.clear()


st.title("Leads")
st.caption("Everyone who asked for the data, once each: Hub access requests and landing-page forms. Leads are "
           "personal data: they show to the owner and marketing roles, and hold only what the forms asked.")
if gate("read_leads") is None:
    st.stop()
hub = settings()
if isinstance(hub, HubConfigError):
    st.info(f"The Hub is not configured. {HOW_TO_CONFIGURE} Or turn the **Sandbox** on in the sidebar: its seeded "
            "story shows what this page does.", icon=":material/key_off:")
    st.stop()
try:
    repos, repos_key = published()
except (LoadError, OSError) as exc:
    st.error(f"**The release history cannot be read.** {exc}")
    st.stop()
c1, c2 = st.columns([4, 1], vertical_alignment="bottom")
c1.caption(f"From {len(repos)} published repo(s) and Space(s); at most {TTL} s old.")
c2.button("Refresh", icon=":material/refresh:", key="leads.refresh", on_click=_refresh)
read = _ledger(token_id(hub), repos_key, repos, hub)
for problem in read.problems:
    st.warning(problem)
if read.leads_missing:
    (st.info if read.leads_missing == NO_SUPABASE else st.warning)(read.leads_missing, icon=":material/info:")
ledger_panel.last_decision()

people = read.people
m = st.columns(4)
m[0].metric("People", f"{len(people):,}", border=True)
m[1].metric("Waiting for a decision", f"{sum(p.status == 'pending' for p in people):,}", border=True)
m[2].metric("From a landing page", f"{sum(any(s.kind == 'landing' for s in p.sources) for p in people):,}",
            border=True)
m[3].metric("Marketing consent", f"{sum(p.marketing_consent is True for p in people):,}", border=True)
if not read.complete:
    st.caption(f":material/warning: These figures count what could be read: {len(read.read_repos):,} repo(s) read, "
               f"{len(read.problems):,} not" + ("" if read.leads_missing in (None, NO_SUPABASE)
                                               else ", and no landing-page lead") + " (see above).")

shown = ledger_panel.filtered(people)
st.dataframe(shown, hide_index=True, width="stretch", column_config={
    "first_seen": st.column_config.DatetimeColumn("first seen", format="YYYY-MM-DD HH:mm"),
    "sources": st.column_config.TextColumn("sources", width="large"),
    "hub_user": "Hub user", "marketing_consent": "marketing", "consent_version": "wording",
    "address": st.column_config.TextColumn("address", help="'not verified': typed on a landing page, where anyone can "
                                           "type any address, and no confirmation email was sent")})
if (shown["address"] == NOT_VERIFIED).any():
    st.caption(f":material/mark_email_unread: Addresses marked *{NOT_VERIFIED}* were typed on a landing page: anyone "
               "can type anyone's address there, and no confirmation email was sent. Run your CRM's double opt-in "
               "before writing to them. A marketing consent stands as first given, unless the person changed it "
               "from their own Hub account or withdrew it.")
st.download_button("Download for the CRM (CSV)", lambda: csv_text(shown), file_name="leads.csv",
                   mime="text/csv", icon=":material/download:", key="leads.csv",
                   help="the rows shown, with every source and the consent given")

st.subheader("Decisions")
if ledger_panel.decisions(people, read.gates, client(hub), hub, actor_for("decide_access"), decision_log(),
                          unread=len(read.problems)):
    _ledger.clear()
    st.rerun()
