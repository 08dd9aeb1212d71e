"""Traction: downloads, likes, recent discussions and access requests of every published repo."""

import pandas as pd
import streamlit as st

from components.hub.client import client, history, settings, token_id
from services.dataset.report import LoadError
from services.hub import traction
from services.hub.config import HOW_TO_CONFIGURE, HubConfigError, HubSettings

TTL = 60


@st.cache_data(ttl=TTL, show_spinner="Reading the Hub…")
def _traction(key: str, repos: tuple[str, ...], _settings: HubSettings) -> list[traction.Traction]:
    api = client(_settings)
    return [traction.repo_traction(api, _settings, repo) for repo in repos]


st.title("Traction")
hub = settings()
if isinstance(hub, HubConfigError):
    st.info(f"The Hub is not configured. {HOW_TO_CONFIGURE}", icon=":material/key_off:")
    st.stop()
try:
    records = history().read()
except (LoadError, OSError) as exc:
    st.error(f"**The release history cannot be read.** {exc}")
    st.stop()
repos = tuple(dict.fromkeys(r.repo_id for r in records if r.outcome in {"published", "up_to_date"}))
if not repos:
    st.info("No repo has been published yet: traction appears here once one is.", icon=":material/trending_up:")
    st.stop()
c1, c2 = st.columns([4, 1], vertical_alignment="bottom")
c1.caption(f"{len(repos)} published repo(s); figures are at most {TTL} s old.")
if c2.button("Refresh", icon=":material/refresh:", key="traction.refresh"):
    _traction.clear()
items = _traction(token_id(hub), repos, hub)

for item in items:
    with st.container(border=True):
        st.markdown(f"#### [{item.repo_id}]({item.url})")
        if item.error:
            st.error(item.error)
            continue
        m = st.columns(4)
        m[0].metric("Downloads (30 days)", f"{item.downloads:,}")
        m[1].metric("Likes", f"{item.likes:,}")
        m[2].metric("Access", "gated · " + str(item.gated) if item.gated else ("private" if item.private else "open"))
        m[3].metric("Access requests", f"{len(item.requests):,}" if item.gated else "—")
        if item.discussions:
            st.dataframe(pd.DataFrame([d.model_dump() for d in item.discussions]), hide_index=True, width="stretch",
                         column_config={"url": st.column_config.LinkColumn("link", display_text="open"),
                                        "created_at": st.column_config.DatetimeColumn("opened", format="YYYY-MM-DD")})
        else:
            st.caption("No discussions yet.")

requests = traction.requests_table(items)
st.subheader("Access requests")
if requests.empty:
    st.caption("No access requests yet (gated repos only).")
else:
    st.dataframe(requests, hide_index=True, width="stretch",
                 column_config={"requested_at": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm")})
    st.download_button("Download the requests for the CRM (CSV)", lambda: requests.to_csv(index=False),
                       file_name="access-requests.csv", mime="text/csv", icon=":material/download:")
