"""Supabase: the project behind the data. Training files, whether they tell the truth about
their JSON, and the conversations table with a one-file preview."""

import altair as alt
import pandas as pd
import streamlit as st

from components.dataset.chat_view import chat_view
from components.dataset.source import KIND_KEY, current_consistency, use_source
from components.supabase.connection import supabase_connection
from components.supabase.consistency_panel import consistency_panel
from components.supabase.picker import conversations_page, project_id, training_files
from services.dataset.chat import to_messages
from services.dataset.loader import LoadedDataset
from services.dataset.report import LoadError
from services.supabase import source as supabase_source
from services.supabase.client import SupabaseSession
from services.supabase.config import HOW_TO_CONFIGURE
from services.supabase.errors import SupabaseConfigError, SupabaseNotConfiguredError
from services.supabase.groups_view import MIGRATION
from services.supabase.rows import training_file_table

PREVIEW_KEY = "supabase_page.preview"
LISTED = 1000  # rows listed to preview: the figures above count them all, in PostgreSQL


@st.cache_resource(max_entries=16, show_spinner="Fetching this conversation…")
def _preview(project: str, conversation_id: str, path: str, _session: SupabaseSession, _row) -> LoadedDataset:
    return supabase_source.preview_conversation(_session, _row)


st.title("Supabase")
conn = supabase_connection()
if isinstance(conn, SupabaseNotConfiguredError):
    st.info("Supabase is not configured. The studio reads the production tables and Storage once it is.",
            icon=":material/key_off:")
    st.markdown(HOW_TO_CONFIGURE)
    st.stop()
if isinstance(conn, SupabaseConfigError):
    st.error(str(conn))
    st.stop()
session = conn.session
project = project_id(session)
st.caption(f"Project **{session.settings.host}** · key role `{session.settings.role or 'unknown'}` · read only")
if st.session_state.get(KIND_KEY) != "supabase":
    st.info("The other pages show another source.", icon=":material/info:")
    st.button("Analyse this project's data", icon=":material/database:", on_click=use_source, args=("supabase",),
              key="supabase_page.use")

st.subheader("Training files")
files = training_files(session)
if isinstance(files, LoadError):
    st.error(str(files))
else:
    st.dataframe(training_file_table(files), hide_index=True, width="stretch",
                 column_config={"date": st.column_config.DatetimeColumn("date", format="YYYY-MM-DD"),
                                "avg quality": st.column_config.NumberColumn(format="%.2f")})
    checks = current_consistency() if st.session_state.get(KIND_KEY) == "supabase" else []
    if checks:
        st.subheader("Database row against the JSON")
        consistency_panel(checks)

st.subheader("Conversations table")
try:
    figures, index = conversations_page(project, session, LISTED)
except LoadError as exc:
    st.error(str(exc))
    st.stop()
c1, c2, c3 = st.columns(3)
c1.metric("Conversations", f"{figures.total:,}", border=True)
c2.metric("With content (enriched)", f"{figures.with_content:,}", border=True)
c3.metric("Approved", f"{figures.approved:,}", border=True)
if figures.source == "rows":
    st.caption(f"Counted from every row: apply `{MIGRATION}` to the project and PostgreSQL counts them instead "
               "(a few hundred grouped rows, whatever the number of conversations).")
left, right = st.columns(2)
left.altair_chart(
    alt.Chart(figures.by_enrichment, title="Conversations by enrichment status").mark_bar().encode(
        x=alt.X("conversations:Q", title="conversations"),
        y=alt.Y("enrichment_status:N", title=None, sort="-x"),
        tooltip=["enrichment_status", alt.Tooltip("conversations:Q", format=",")],
    ).properties(height=alt.Step(26)),
    width="stretch")
right.altair_chart(
    alt.Chart(figures.cells, title="Coverage: conversations per persona × arc").mark_rect().encode(
        x=alt.X("persona:N", title=None, axis=alt.Axis(labelAngle=-25, labelLimit=120, labelOverlap=False)),
        y=alt.Y("emotional_arc:N", title=None, axis=alt.Axis(labelLimit=200)),  # arcs down the side: all legible
        color=alt.Color("conversations:Q", title="conversations", scale=alt.Scale(scheme="blues")),
        tooltip=["persona", "emotional_arc", alt.Tooltip("conversations:Q", format=","),
                 alt.Tooltip("with_content:Q", format=",", title="with content"),
                 alt.Tooltip("quality:Q", format=".2f", title="mean quality")],
    ).properties(height=alt.Step(26)),
    width="stretch")
shown = f"The newest {len(index):,} of {figures.total:,} conversations" if figures.total > len(index) \
    else "Every conversation"
st.caption(f"{shown}, with content first. Select one to preview it: only its own file is fetched.")
index = index.assign(_empty=index["enriched_file_path"].isna()).sort_values(
    ["_empty", "created_at", "conversation_id"], ascending=[True, False, True]).drop(columns="_empty")
event = st.dataframe(
    index[["conversation_id", "persona", "emotional_arc", "training_topic", "turns", "quality", "status",
           "enrichment_status", "created_at"]],
    hide_index=True, width="stretch", height=300, on_select="rerun", selection_mode="single-row", key=PREVIEW_KEY,
    column_config={"quality": st.column_config.NumberColumn(format="%.2f"),
                   "created_at": st.column_config.DatetimeColumn("created", format="YYYY-MM-DD")})
st.download_button("Download these rows (CSV)", lambda: index.to_csv(index=False), file_name="conversations.csv",
                   mime="text/csv", icon=":material/download:")
rows = event.selection.rows if event is not None else []
if rows:
    row = index.iloc[rows[0]]
    st.divider()
    st.subheader(f"{row['persona']} · {row['emotional_arc']} · {row['training_topic']}")
    if pd.isna(row["enriched_file_path"]):
        st.info(f"Conversation `{row['conversation_id']}` has no content yet (enrichment: "
                f"{row['enrichment_status'] or 'not recorded'}).")
    else:
        try:
            one = _preview(project, row["conversation_id"], row["enriched_file_path"], session, row)
        except LoadError as exc:
            st.error(str(exc))
        else:
            conversation = next(one.iter_conversations())
            chat_view(to_messages(conversation, keep_trailing_user=True), trailing_dropped=False)
