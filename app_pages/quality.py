"""Quality: scores and criteria, by persona and arc, review status, turn structure, emotion."""

import streamlit as st

from components.dataset import charts
from components.dataset.cache import per_dataset
from components.dataset.chart_row import chart_row
from components.dataset.source import current_dataset
from services.dataset import stats, summary

st.title("Quality")
ds = current_dataset()
k = summary.kpis(ds)

cols = st.columns(3)
cols[0].metric("Average quality", "—" if k.quality_avg is None else f"{k.quality_avg:.2f} / 5", border=True)
cols[1].metric("Human-reviewed pairs", f"{k.human_reviewed_pairs:,}", border=True,
               delta=f"{k.human_reviewed_share:.0%} of pairs", delta_color="off", delta_arrow="off")
cols[2].metric("End on an unanswered user turn", f"{k.ends_on_user:,}", border=True,
               delta=f"of {k.conversations:,} conversations", delta_color="off",
               delta_arrow="off")
if k.human_reviewed_pairs == 0:
    st.caption("No pair is marked as human-reviewed: every score is the generator's own.")

chart_row(charts.quality_histogram(per_dataset(stats.quality_scores, ds)),
          charts.criteria_lines(per_dataset(stats.criteria_distribution, ds)))
chart_row(charts.mean_quality_heat(per_dataset(stats.quality_by, ds, "persona"), "Persona", "Mean scores by persona"),
          charts.mean_quality_heat(per_dataset(stats.quality_by, ds, "arc"), "Emotional arc", "Mean scores by arc"))

st.subheader("Turn structure")
st.altair_chart(charts.turns_bars(per_dataset(stats.turns_per_conversation, ds)), width="stretch")

st.subheader("Emotional movement")
st.altair_chart(charts.intensity_lines(per_dataset(stats.intensity_by_turn, ds)), width="stretch")
st.dataframe(per_dataset(stats.emotion_shift, ds), hide_index=True, width="stretch", column_config={
    "arc_key": "Arc key", "name": "Arc", "start": st.column_config.NumberColumn("Start intensity", format="%.2f"),
    "end": st.column_config.NumberColumn("End intensity", format="%.2f"), "conversations": "Conversations"})
