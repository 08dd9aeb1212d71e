"""Next batch: the next generation batch for the platform, from what the data lacks and what people ask for.

Deterministic and explained: every chosen conversation says why. The studio writes the platform's
batch body; the owner sends it (the page shows the `curl` line). Nothing is sent from here.
"""

import pandas as pd
import streamlit as st

from components.batch import charts, inputs, scaffolding_state
from components.dataset.source import current_dataset
from components.feedback import state as feedback_state
from services.batch import body as platform
from services.batch.choice import default_edge_share
from services.batch.planner import plan_batch, scaffolding_from_data
from services.batch.scaffolding_source import names_of, readable
from services.dataset.report import LoadError
from services.hub.config import HubConfigError

st.title("Next batch")
st.caption("Fill the gaps the data has and lift what people ask for, without letting one key take the batch. "
           "The result is the body of the platform's `POST /api/conversations/generate-batch`.")
try:
    ds = current_dataset()
except LoadError as exc:
    st.error(f"**The data cannot be read.** {exc}")
    st.stop()

st.subheader("Inputs")
scaffolding, where = inputs.scaffolding(ds.name == "demo dataset")
st.caption(f":material/account_tree: Cells from {scaffolding_state.described(scaffolding, where, ds)}.")
live, live_said = None, "none yet: the Hub is not configured (a `feedback --json` file can stand in)"
try:
    got = feedback_state.inbox(ds)
    if not isinstance(got, HubConfigError):
        live, live_said = got[0].themes, f"the Feedback page's live read ({len(got[0].themes)} theme(s))"
except (LoadError, OSError) as exc:
    live_said = f"none: the release history cannot be read ({exc})"
themes, themes_from = inputs.themes(live, live_said)
st.caption(f":material/forum: Feedback themes: {themes_from}.")
request = inputs.knobs(default_edge_share(scaffolding or scaffolding_from_data(ds)))

try:
    plan = plan_batch(ds, scaffolding, themes, request)
except ValueError as exc:
    st.error(f"**No batch.** {exc}", icon=":material/error:")
    st.stop()
for note in plan.notes:
    st.info(note, icon=":material/info:")

s = plan.summary
m = st.columns(4)
m[0].metric("Conversations", f"{s.conversations:,}", help=f"{s.edge_cases:,} edge cases", border=True)
m[1].metric("Training pairs", f"≈ {s.expected_pairs:,}", border=True,
            help="Expected, from the data's mean pairs per conversation")
m[2].metric("Cost", f"${s.cost_usd:,.2f}", border=True)
m[3].metric("Time", platform.duration(s.seconds), help=f"{request.concurrency} at a time", border=True)

names = names_of(plan.scaffolding)  # people read names; the body keeps the ids
st.subheader("Coverage before → after")
st.altair_chart(charts.coverage_heatmaps(charts.coverage_frame(plan.choice.before, plan.choice.after, names)))

st.subheader("What the batch generates, and why")
picks = pd.DataFrame([{"#": i + 1, "tier": p.tier, "persona": names.get(p.persona, p.persona),
                       "arc": names.get(p.arc, p.arc), "topic": names.get(p.topic, p.topic),
                       "why": readable("; ".join(p.reasons), names)} for i, p in enumerate(plan.choice.picks)])
st.table(picks.set_index("#"), border="horizontal")  # a table that wraps: every reason read whole at 1280 px

st.subheader("The body")
if plan.data is None:
    st.error(f"**No body to send**: {plan.unsendable}", icon=":material/key_off:")
    st.stop()
file_name = "next-batch.json"
st.download_button("Download the body (JSON)", plan.data, file_name=file_name, mime="application/json",
                   icon=":material/download:", key="next_batch.download", type="primary")
st.caption("Send it yourself (the platform's URL and your session are placeholders):")
st.code(platform.curl_line(file_name), language="bash")
with st.expander("The body as JSON"):
    st.code(plan.data.decode(), language="json")
