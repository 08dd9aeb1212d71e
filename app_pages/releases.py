"""Releases: every publish, and every refused or failed one, with links."""

import pandas as pd
import streamlit as st

from components.hub.client import history
from services.dataset.report import LoadError
from services.hub.history import versions_table

OUTCOME = {"published": "published", "up_to_date": "up to date", "refused": "refused", "failed": "failed"}

st.title("Releases")
store = history()
st.caption(f"Recorded in the {store.where}.")
try:
    records = store.read()
except (LoadError, OSError) as exc:
    st.error(f"**The release history cannot be read.** {exc}")
    st.stop()
if not records:
    st.info("Nothing has been published yet. The *Publish* page records every attempt here.",
            icon=":material/history:")
    st.stop()
table = pd.DataFrame([{
    "when": r.released_at, "outcome": OUTCOME[r.outcome], "tier": r.tier, "repo": r.repo_id, "tag": r.tag,
    "commit": (r.commit_sha or "")[:8], "link": r.url, "by": r.actor, "conversations": r.conversations,
    "examples": r.supervised_examples, "plan": r.plan_name, "plan sha256": (r.plan_sha256 or "")[:12],
    "overrides": "; ".join(r.overrides), "message": r.message,
} for r in records])
c1, c2, c3 = st.columns(3)
c1.metric("Published", sum(r.outcome == "published" for r in records), border=True)
c2.metric("Repos", table.loc[table["outcome"] == OUTCOME["published"], "repo"].nunique(), border=True)
c3.metric("Refused or failed", sum(r.outcome in {"refused", "failed"} for r in records), border=True)
st.dataframe(table, hide_index=True, width="stretch",
             column_config={"when": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm"),
                            "link": st.column_config.LinkColumn(display_text="open")})
versions = versions_table(records)
if versions:
    st.subheader("Versions side by side")
    st.caption("What each published version of a tier held: the next release's card says what changed.")
    st.dataframe(pd.DataFrame(versions), hide_index=True, width="stretch")
st.download_button("Download the history (CSV)", lambda: table.to_csv(index=False), file_name="releases.csv",
                   mime="text/csv", icon=":material/download:")
