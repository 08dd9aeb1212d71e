"""Feedback: what people said about every release — threads, likers, form answers — and the answers.

Threads come first when nobody on the owner's side has answered them, oldest first. People's words
are shown as text. Replying is behind the same guard as publishing.
"""

import streamlit as st

from components.access import gate
from components.dataset.source import current_dataset
from components.feedback import charts, inbox_panel, state
from components.hub import sandbox
from components.hub.client import client, forget_release_records, identity, release_records, settings
from services.dataset.report import LoadError
from services.feedback.models import Thread
from services.feedback.reply import reply
from services.hub import snapshots
from services.hub.config import HOW_TO_CONFIGURE, HubConfigError
from services.hub.errors import HubError
from services.supabase.errors import SupabaseError
from services.utils.untrusted import csv_text


def _refresh() -> None:
    forget_release_records()
    state.forget()


st.title("Feedback")
st.caption("Every discussion of every released repo and landing Space, their likers, and what the gate form and "
           "the landing form were told — in one inbox. Themes are found by rule, with the words that matched.")
try:
    ds = current_dataset()
except LoadError:
    ds = None
try:
    got = state.inbox(ds)
except (LoadError, OSError) as exc:
    st.error(f"**The release history cannot be read.** {exc}")
    st.stop()
if isinstance(got, HubConfigError):
    st.info(f"The Hub is not configured. {HOW_TO_CONFIGURE} Or turn the **Sandbox** on in the sidebar: its seeded "
            "story shows what this page does.", icon=":material/key_off:")
    st.stop()
read, names_from = got
names = state.theme_names(ds)  # people read names; the CSV and the JSON keep the keys
c1, c2 = st.columns([4, 1], vertical_alignment="bottom")
c1.caption(f"Read {read.read_at:%Y-%m-%d %H:%M} UTC from {len(read.repos)} repo(s) and Space(s) (at most "
           f"{state.TTL // 60} minutes old). Themes look for {names_from}.")
c2.button("Refresh", icon=":material/refresh:", key="feedback.refresh", on_click=_refresh)
inbox_panel.last_reply()
for repo in read.repos:
    if repo.error:
        st.warning(f"**{repo.repo_id}**: {repo.error} — its feedback is not counted below.", icon=":material/warning:")
for problem in read.problems:
    st.warning(problem, icon=":material/warning:")
for note in read.notes:
    st.caption(f":material/info: {note}")
if not read.repos:
    st.info("No repo has been published yet (the release history holds none): there is nothing to hear yet. The "
            "*Publish* page puts a release out; its threads and likes show here.", icon=":material/forum:")
    st.stop()

threads = read.threads()
m = st.columns(4)
m[0].metric("Threads", f"{len(threads):,}", border=True)
m[1].metric("Unanswered", f"{sum(not t.answered for t in threads):,}", border=True)
m[2].metric("Likers", f"{sum(len(r.likers) for r in read.repos):,}", border=True)
m[3].metric("Form answers", f"{len(read.form_answers):,}", border=True)
if read.automated():
    st.caption(f":material/smart_toy: {read.automated():,} automated thread(s) (the Hub's parquet-converter, and "
               "the bot handles in settings) are left out.")

left, right = st.columns(2)
with left:
    counts = charts.over_time_frame(read)
    if counts.empty:
        st.caption("No thread or form answer yet on the repos read.")
    else:
        st.altair_chart(charts.over_time(counts, snapshots.release_events(release_records())), width="stretch")
with right:
    themes = charts.themes_frame(read, names)
    if themes.empty:
        st.caption("No theme raised yet.")
    else:
        st.altair_chart(charts.themes_bars(themes), width="stretch")

st.subheader("Inbox")
actor = None
with st.expander("Reply from here", icon=":material/edit:" if sandbox.active() else ":material/lock:"):
    actor = gate("reply")
hub = settings()


def _send(thread: Thread, text: str) -> str | None:
    """Post the reply; the inbox is read again so the thread reads answered."""
    if isinstance(hub, HubConfigError):
        return str(hub)
    me = identity(hub)
    if isinstance(me, HubError):
        return str(me)
    try:
        reply(client(hub), hub, thread.repo_id, thread.num, text, thread.repo_type, me.name)
    except HubError as exc:
        return str(exc)
    state.forget()
    return None


action = inbox_panel.ReplyAction(hub, _send) if not isinstance(hub, HubConfigError) else None
shown = inbox_panel.filtered(read, names)
if not shown:
    st.caption("No thread matches these filters." if threads else "No thread yet on the repos read.")
for i, thread in enumerate(shown):
    inbox_panel.thread_view(thread, i, actor, action, names)
table = inbox_panel.table(shown)
st.download_button("Download the threads (CSV)", lambda: csv_text(table), file_name="feedback-threads.csv",
                   mime="text/csv", icon=":material/download:", key="feedback.csv")

st.subheader("Form answers")
if read.form_answers:
    st.dataframe([{"when": a.created_at, "where": a.repo_id, "form": "Hub access form" if a.source == "hub_gate"
                   else "landing feedback form", "answer": a.text,
                   "themes": ", ".join(names.get(th, th) for th in a.themes)}
                  for a in read.form_answers], hide_index=True, width="stretch",
                 column_config={"when": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm"),
                                "answer": st.column_config.TextColumn(width="large")})
else:
    st.caption("No form answer on the repos read." + ("" if not any("not read" in n for n in read.notes)
                                                      else " The landing form was not read (see above)."))

st.subheader("Likers")
try:
    first_seen = {(s.repo_id, s.username): s.first_seen for s in state.sightings().read()}
except (SupabaseError, OSError) as exc:  # a store that cannot be read costs the dates, not the likers
    first_seen = {}
    st.caption(f":material/warning: When each liker was first seen could not be read: {exc}")
likers = [{"repo": r.repo_id, "liker": u, "first seen": first_seen.get((r.repo_id, u))}
          for r in read.repos for u in r.likers]
if likers:
    st.dataframe(likers, hide_index=True, width="stretch", column_config={
        "first seen": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm",
                                                      help="the Hub gives no like time: the first read that saw it")})
else:
    st.caption("No liker on the repos read.")
