"""Card: each released tier's dataset card (editable words, computed numbers), its checks, its files."""

from pathlib import Path

import pandas as pd
import streamlit as st

from components.dataset.source import current_dataset
from components.release.builds import add_override, card_text, pick_released_tier, set_card_text, tier_release
from components.strategy.plan_state import current_plan, selections
from services.release.card.render import COVERAGE_IMAGE, CardText, card_body
from services.release.checks.report import confirmation_phrase, override
from services.release.errors import OverrideError
from services.utils.files import size_of

STATUS = {"pass": ":material/check_circle: pass", "warn": ":material/warning: warn", "block": ":material/block: block"}
EDITABLE = {
    "title": "Title", "summary": "Summary (the first paragraph)", "description": "Dataset description",
    "differentiators": "What makes it different", "intended_uses": "Intended uses", "out_of_scope": "Out-of-scope uses",
    "creation": "How it was made", "limitations": "More limitations (optional)", "curator": "Curated by",
}

st.title("Card & checks")
ds = current_dataset()
plan = current_plan()
chosen = selections(ds, plan)
tier = pick_released_tier(plan, chosen, "card.tier")
built, report = tier_release(ds, plan, chosen, tier)

status_line = {"pass": "passes every check", "warn": "passes, with warnings", "block": "is blocked"}[report.status]
if report.blocked:
    st.error(f"**{tier}** {status_line}: it cannot be published until fixed or overridden.", icon=":material/block:")
elif report.status == "block":
    st.warning(f"**{tier}** is blocked, but the owner overrode it; the override is recorded in release.json.",
               icon=":material/gavel:")
else:
    st.success(f"**{tier}** {status_line}.", icon=":material/verified:")

preview, edit, report_tab, files = st.tabs(["Preview", "Edit the words", "Checks", "Files"])
with preview:
    body = card_body(built.card)
    if built.channel != "download" and "assets/coverage.png" in built.files:
        st.image(built.files["assets/coverage.png"], caption="assets/coverage.png", width=640)
    with st.container(border=True):
        st.markdown(body.replace(COVERAGE_IMAGE, ""))
    with st.expander("YAML header (what the Hub reads)"):
        st.code(built.card.split("\n---\n", 1)[0].removeprefix("---\n"), language="yaml")

with edit:
    st.caption("The words are yours; every number comes from the data and cannot be edited here.")
    current = card_text(tier)
    values = {}
    for field, label in EDITABLE.items():
        default = getattr(current, field)
        widget = st.text_input if field in ("title", "curator") else st.text_area
        values[field] = widget(label, value=default, key=f"card_text.{tier}.{field}")
    if st.button("Restore the default words", key=f"card.reset.{tier}"):
        for field in EDITABLE:
            st.session_state.pop(f"card_text.{tier}.{field}", None)
        set_card_text(tier, CardText())
        st.rerun()
    updated = current.model_copy(update=values)
    if updated != current:
        set_card_text(tier, updated)
        st.rerun()

with report_tab:
    table = pd.DataFrame([{"status": STATUS[c.status], "check": c.name, "result": c.summary} for c in report.checks])
    st.dataframe(table, hide_index=True, width="stretch")
    for c in report.checks:
        if c.places:
            with st.expander(f"{c.name}: {c.count} place(s)"):
                st.dataframe(pd.DataFrame([p.model_dump() for p in c.places]), hide_index=True, width="stretch")
    if report.blocked:
        st.subheader("Publish anyway?")
        phrase = confirmation_phrase(tier)
        typed = st.text_input(f"Type “{phrase}” to override the blocking checks", key=f"card.override.{tier}")
        reason = st.text_input("Why (recorded with the release)", key=f"card.override_reason.{tier}")
        if st.button("Override", key=f"card.override_button.{tier}", type="primary"):
            try:
                add_override(tier, override(report, typed, reason=reason))
                st.rerun()
            except OverrideError as exc:
                st.error(str(exc))
    for o in report.overrides:
        st.caption(f"Overridden by {o.by}: {', '.join(o.checks)} — “{o.reason or 'no reason given'}”")

with files:
    digests = built.sha256()
    st.dataframe(pd.DataFrame([{"file": path, "bytes": size_of(data), "sha256": digests[path]}
                               for path, data in sorted(built.files.items())]), hide_index=True, width="stretch")
    label = "Download the EQ zip" if built.channel == "download" else "Download the bundle (zip)"
    st.download_button(label, built.zip_bytes, file_name=f"{tier}.zip", mime="application/zip",  # zipped on click
                       icon=":material/download:", disabled=report.blocked, key=f"card.download.{tier}",
                       help="blocked tiers are not handed out" if report.blocked else None)
    c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
    out = c1.text_input("Write it to a folder on this machine", value="release", key="card.out")
    if c2.button("Write", icon=":material/save:", key=f"card.write.{tier}", disabled=report.blocked):
        st.success(f"Written to {built.write(Path(out), keep=True)}", icon=":material/check:")
