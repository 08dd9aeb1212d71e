"""The validation report: counts by severity, a filterable table, a download."""

from __future__ import annotations

import streamlit as st

from services.dataset.report import SEVERITIES, ValidationReport
from services.dataset.stats import findings_table

SEVERITY_KEY = "findings.severities"
ICONS = {"error": ":material/error:", "warning": ":material/warning:", "info": ":material/info:"}
HELP = {
    "error": "Something could not be used: a conversation or line was dropped.",
    "warning": "Looks wrong but still loads: stale metadata, gaps, missing targets.",
    "info": "The format's known quirks; the converters resolve them.",
}


def findings_report(report: ValidationReport) -> None:
    counts = report.counts()
    cols = st.columns(len(SEVERITIES))
    for col, severity in zip(cols, SEVERITIES, strict=True):
        col.metric(f"{severity.capitalize()}s", counts[severity], border=True, help=HELP[severity])
    if report.dropped_conversations:
        dropped = report.dropped_conversations
        st.error(f"{len(dropped)} conversation(s) could not be used and were dropped: "
                 + ", ".join(dropped[:10]) + (" …" if len(dropped) > 10 else ""), icon=":material/error:")
    chosen = st.pills("Show", list(SEVERITIES), selection_mode="multi", default=list(SEVERITIES),
                      key=SEVERITY_KEY, format_func=lambda s: f"{ICONS[s]} {s}")
    table = findings_table(report.findings)
    shown = table[table["severity"].isin(chosen or [])]
    if shown.empty:
        st.success("No findings of the chosen severities.")
    else:
        st.dataframe(shown, hide_index=True, width="stretch", column_config={
            "severity": st.column_config.TextColumn("Severity", width="small"),
            "count": st.column_config.NumberColumn("Count", width="small"),
            "what": st.column_config.TextColumn("What", width="large"),
            "where": st.column_config.TextColumn("Where (first place)", width="medium"),
            "code": st.column_config.TextColumn("Code", width="small"),
        })
    with st.expander("Example places for each finding"):
        for f in report.findings:
            if f.count > 1:
                st.markdown(f"**{f.code}** ({f.count:,}): " + "; ".join(f.examples))
    st.download_button("Download the report (JSON)", report.to_json(),
                       file_name="validation-report.json", mime="application/json", icon=":material/download:")
