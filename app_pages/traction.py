"""Traction: how every published repo and landing Space is doing now, and over time.

Each read of the Hub (at most once a minute, or on Refresh) stores a snapshot per repo, so the
history the Hub does not keep builds up here; `cli traction snapshot` adds one a day from cron.
"""

import pandas as pd
import streamlit as st

from components.hub import charts
from components.hub.client import (
    client,
    forget_release_records,
    published,
    records,
    release_records,
    settings,
    token_id,
)
from components.hub.funnel_state import snapshot_store
from components.strategy.plan_state import current_plan
from services.dataset.report import LoadError
from services.funnel import stages
from services.funnel.sources import TractionRead, read_traction
from services.hub import snapshots, traction
from services.hub.config import HOW_TO_CONFIGURE, HubConfigError, HubSettings
from services.hub.history import PublishedRepo
from services.hub.snapshots import TractionSnapshot
from services.utils.untrusted import csv_text, table_text

TTL = 60
SERIES_KEY = "traction.series"


@st.cache_data(ttl=TTL, show_spinner="Reading the Hub…")
def _read(key: str, repos_key: str, _repos: list[PublishedRepo],
          _settings: HubSettings) -> tuple[TractionRead, list[TractionSnapshot] | str]:
    """One read of every repo, stored as snapshots (once per minute, whoever is looking), and every
    snapshot kept so far (or why they cannot be read): the page's reruns read neither again."""
    store = snapshot_store()
    read = read_traction(client(_settings), _settings, _repos, records().leads, store)
    try:
        return read, store.read()
    except (LoadError, OSError) as exc:
        return read, f"**The snapshots cannot be read from {store.where}.** {exc}"



def _refresh() -> None:
    """Before the rerun: read the history again (a repo published meanwhile, from the command line
    say, shows at once) and the Hub."""
    forget_release_records()
    _read.clear()


st.title("Traction")
hub = settings()
if isinstance(hub, HubConfigError):
    st.info(f"The Hub is not configured. {HOW_TO_CONFIGURE} Or turn the **Sandbox** on in the sidebar: its seeded "
            "story shows what this page does.", icon=":material/key_off:")
    st.stop()
try:
    history_records = release_records()
    repos, repos_key = published()
except (LoadError, OSError) as exc:
    st.error(f"**The release history cannot be read.** {exc}")
    st.stop()
if not repos:
    st.info("No repo has been published yet: traction appears here once one is.", icon=":material/trending_up:")
    st.stop()
c1, c2 = st.columns([4, 1], vertical_alignment="bottom")
c1.caption(f"{len(repos)} published repo(s) and Space(s); figures are at most {TTL} s old. Each read is kept as a "
           "snapshot, so the charts below grow over time.")
c2.button("Refresh", icon=":material/refresh:", key="traction.refresh", on_click=_refresh)
read, kept = _read(token_id(hub), repos_key, repos, hub)
if read.store_problem:
    st.warning(read.store_problem)
if read.leads_missing:
    st.caption(f":material/info: {read.leads_missing}")

snapshots_read = not isinstance(kept, str)
if isinstance(kept, str):
    st.error(kept)
    kept = []
mine = [s for s in kept if s.repo_id in {r.repo_id for r in repos}]

st.subheader("Over time")
times = sorted({s.taken_at for s in mine})
st.caption(f"{len(times)} snapshot(s) in {snapshot_store().where}" + (f", from {times[0]:%Y-%m-%d %H:%M} to "
                                                            f"{times[-1]:%Y-%m-%d %H:%M} UTC" if times else "")
           + ". Dashed lines mark releases.")
series = snapshots.series(mine)
events = snapshots.release_events(history_records)
if series.empty:
    st.caption("No snapshot yet." if snapshots_read else "The stored snapshots could not be read (above): the "
               "history over time is not shown.")
else:
    labels = [label for label in snapshots.SERIES.values() if label in set(series["series"])]
    chosen = st.segmented_control("Series", labels, default=labels[0], key=SERIES_KEY) or labels[0]
    st.altair_chart(charts.traction_lines(series, events, chosen), width="stretch")
    st.download_button("Download the snapshots (CSV)", lambda: series.to_csv(index=False),
                       file_name="traction-snapshots.csv", mime="text/csv", icon=":material/download:")

st.subheader("Funnel of the current release")
funnel = pd.DataFrame([s.model_dump() for s in stages.stages(mine)], columns=["path", "stage", "value", "order"])
if funnel.empty:
    st.caption("Nothing measured yet." if snapshots_read else "Not shown: the stored snapshots could not be read.")
else:
    st.altair_chart(charts.funnel_bars(funnel), width="stretch")
st.caption(f":material/visibility_off: {stages.VIEWS_MISSING}")

st.subheader("Targets of the first days")
plan_targets = current_plan().targets
first = min((r.released_at for r in history_records if r.outcome == "published"), default=None)
if first is None:
    st.caption("No release with a commit yet: the targets start counting at the first one.")
else:
    cols = st.columns(2)
    for col, progress in zip(cols, stages.first_days(mine, first, plan_targets), strict=True):
        with col:
            if progress.actual is None:
                col.metric(f"{progress.name.capitalize()} by {progress.window_ends:%Y-%m-%d}",
                           "not measured", help="no snapshot in the window measured it", border=True)
                continue
            col.metric(f"{progress.name.capitalize()} by {progress.window_ends:%Y-%m-%d}",
                       f"{progress.actual:,} of {progress.target:,}", border=True,
                       help=f"the plan's target for the first {plan_targets.days} days; measured "
                            f"{progress.measured_at:%Y-%m-%d %H:%M} UTC")
            st.progress(progress.share or 0.0)
    st.caption(f"Targets come from the plan (Strategy page): {plan_targets.leads:,} leads and "
               f"{plan_targets.downloads:,} downloads in the first {plan_targets.days} days.")

st.subheader("Now")
newest = {s.repo_id: s for s in stages.latest(mine)}
for item in read.items:
    with st.container(border=True):
        st.markdown(f"#### [{item.repo_id}]({item.url})")
        if item.error:
            st.error(item.error)
            continue
        m = st.columns(4)
        if item.repo_type == "space":
            latest = newest.get(item.repo_id)
            leads = latest.landing_leads if latest else None
            m[0].metric("Landing-page leads", f"{leads:,}" if leads is not None else "—")
            m[1].metric("Likes", f"{item.likes:,}")
            m[2].metric("Kind", "Space", help="A landing page: its form takes the leads")
            continue
        m[0].metric("Downloads (30 days)", f"{item.downloads:,}")
        m[1].metric("Downloads (all time)", f"{item.downloads_all_time:,}")
        m[2].metric("Likes", f"{item.likes:,}")
        m[3].metric("Access", "gated" if item.gated else ("private" if item.private else "open"))
        if item.gated:
            approval = "approved by hand" if item.gated == "manual" else "approved at once"
            st.caption(f"Gated, requests {approval}: {len(item.requests):,} access request(s); the Leads page "
                       "says who asked.")
        if item.discussions:
            st.dataframe(pd.DataFrame([d.model_dump() | {"title": table_text(d.title)} for d in item.discussions]),
                         hide_index=True, width="stretch",
                         column_config={"url": st.column_config.LinkColumn("link", display_text="open"),
                                        "created_at": st.column_config.DatetimeColumn("opened", format="YYYY-MM-DD")})
        else:
            st.caption("No discussions yet.")

requests = traction.requests_table(read.items)
if not requests.empty:
    st.download_button("Download the access requests for the CRM (CSV)", lambda: csv_text(requests),
                       file_name="access-requests.csv", mime="text/csv", icon=":material/download:")
