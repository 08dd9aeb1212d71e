"""Overview: the headline figures, in plain words, and what is wrong with the data."""

import msgspec
import streamlit as st

from components.dataset import charts
from components.dataset.cache import per_dataset
from components.dataset.findings import findings_report
from components.dataset.kpis import kpi_row
from components.dataset.source import current_consistency, current_dataset
from services.dataset import stats, summary
from services.dataset.detect import FORMAT_LABELS

st.title("Overview")
ds = current_dataset()
st.caption(f"{ds.name} · {FORMAT_LABELS[ds.format]}")

kpi_row(summary.kpis(ds))
st.info(summary.summary_sentence(ds), icon=":material/summarize:")
st.altair_chart(charts.pair_kinds_bars(per_dataset(stats.pair_kinds, ds, "arc")), width="stretch")

st.subheader("Validation report")
findings_report(ds.report)

if checks := current_consistency():
    from components.supabase.consistency_panel import consistency_panel  # Supabase sources only

    st.subheader("Database row against the JSON")
    consistency_panel(checks)

st.subheader("Conversations")
table = ds.conversation_table
st.dataframe(table, hide_index=True, width="stretch", height=320)
st.download_button("Download conversations (CSV)", lambda: table.to_csv(index=False), file_name="conversations.csv",
                   mime="text/csv", icon=":material/download:")
if ds.file_metadata:
    with st.expander("File metadata, as far as the studio reads it"):
        st.json(msgspec.to_builtins(ds.file_metadata), expanded=1)
