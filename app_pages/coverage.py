"""Coverage: which persona × arc × topic combinations the data holds, and which it lacks."""

import streamlit as st

from components.dataset import charts
from components.dataset.cache import per_dataset
from components.dataset.chart_row import chart_row
from components.dataset.source import current_dataset
from services.dataset import stats

st.title("Coverage")
ds = current_dataset()

cells = per_dataset(stats.coverage, ds, "persona", "arc")
empty = stats.empty_cells(cells, "persona", "arc")
if empty:
    st.warning(f"**{len(empty)} of {len(cells)} persona × arc cells are empty:** "
               + "; ".join(f"{p} × {a}" for p, a in empty))
else:
    st.success(f"All {len(cells)} persona × arc cells hold at least one conversation.")
st.altair_chart(charts.coverage_heatmap(cells, "persona", "arc", "Conversations per persona × emotional arc"),
                width="stretch")

chart_row(charts.count_bars(per_dataset(stats.distribution, ds, "arc"), "Emotional arc", "Conversations per arc"),
          charts.count_bars(per_dataset(stats.distribution, ds, "persona"), "Persona", "Conversations per persona"))
st.altair_chart(charts.count_bars(per_dataset(stats.distribution, ds, "topic"), "Topic", "Conversations per topic"),
                width="stretch")

topic_cells = per_dataset(stats.coverage, ds, "persona", "topic")
topic_empty = stats.empty_cells(topic_cells, "persona", "topic")
st.subheader("Persona × topic")
st.caption(f"{len(topic_empty)} of {len(topic_cells)} persona × topic cells are empty."
           if topic_empty else f"All {len(topic_cells)} persona × topic cells are covered.")
st.altair_chart(charts.coverage_heatmap(topic_cells, "persona", "topic", "Conversations per persona × topic"),
                width="stretch")
st.download_button("Download the coverage matrix (CSV)", lambda: cells.to_csv(index=False),
                   file_name="coverage-persona-arc.csv", mime="text/csv", icon=":material/download:")
