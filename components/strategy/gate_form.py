"""The Hub access form of a gated tier: edited, checked, and previewed as the Hub shows it.

Owns the `gate_form.*` keys (prefixed by the caller's tier key, so each plan version and tier
starts from its own values). The YAML it becomes is `services.strategy.gate_form.gate_yaml`; the
same problems the pre-publish check blocks on are shown here, while the owner types.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st
from pydantic import ValidationError

from services.strategy import gate_form
from services.strategy.plans import AccessField, Gating

TYPES = ["text", "select", "checkbox", "country", "date_picker"]


def _fields_editor(gating: Gating, key: str) -> list[AccessField] | str:
    """The fields as a table: label, type, options (comma-separated, for a select)."""
    frame = pd.DataFrame([{"label": f.label, "type": f.type, "options": ", ".join(f.options)} for f in gating.fields],
                         columns=["label", "type", "options"])
    edited = st.data_editor(frame, num_rows="dynamic", width="stretch", hide_index=True, key=key + "fields",
                            column_config={
                                "label": st.column_config.TextColumn("Question", required=True, width="large"),
                                "type": st.column_config.SelectboxColumn("Type", options=TYPES, required=True),
                                "options": st.column_config.TextColumn("Options (select only, comma-separated)")})
    try:
        return [AccessField(label=str(row["label"]).strip(), type=row["type"] or "text",
                            options=[o.strip() for o in str(row["options"] or "").split(",") if o.strip()])
                for row in edited.to_dict("records") if str(row["label"] or "").strip()]
    except ValidationError as exc:
        return "; ".join(e["msg"].removeprefix("Value error, ") for e in exc.errors())


def preview(gating: Gating, privacy_url: str | None, key: str) -> None:
    """The form roughly as the Hub draws it above a gated repo's files (inputs are inert here)."""
    with st.container(border=True):
        st.markdown(f"#### {gating.heading}")
        if gating.description:
            st.markdown(gating.description)
        st.markdown(gate_form.prompt_with_privacy(gating, privacy_url))
        for i, f in enumerate(gating.fields):
            k = f"{key}preview.{i}"
            if f.type == "select":
                st.selectbox(f.label, f.options, index=None, disabled=True, key=k)
            elif f.type == "checkbox":
                st.checkbox(f.label, disabled=True, key=k)
            elif f.type == "date_picker":
                st.date_input(f.label, value=dt.date(2000, 1, 1), disabled=True, key=k)
            elif f.type == "country":
                st.selectbox(f.label, ["(a country list)"], index=None, disabled=True, key=k)
            else:
                st.text_input(f.label, disabled=True, key=k)
        st.button(gating.button_content, disabled=True, key=f"{key}preview.button")


def editor(gating: Gating, privacy_url: str | None, key: str) -> Gating:
    """Edit the form; show its problems and its preview; return the edited form."""
    key = f"{key}gate_form."
    left, right = st.columns([3, 2])
    with left:
        heading = st.text_input("Heading", value=gating.heading, key=key + "heading", max_chars=120)
        description = st.text_area("Description", value=gating.description, key=key + "description",
                                   max_chars=500, height=68)
        prompt = st.text_area("Prompt (Markdown; the privacy link is added below it)", value=gating.prompt,
                              key=key + "prompt", height=68)
        button = st.text_input("Button", value=gating.button_content, key=key + "button", max_chars=60)
        fields = _fields_editor(gating, key)
        if isinstance(fields, str):
            st.error(f"These questions are not a valid form: {fields}")
            fields = gating.fields
        if not any(f.label == gate_form.marketing_field().label for f in fields) and st.button(
                "Add the marketing question (Yes / No)", key=key + "add_marketing", icon=":material/add:"):
            fields = [*fields, gate_form.marketing_field()]
    try:
        edited = gating.model_copy(update={"heading": heading, "description": description, "prompt": prompt,
                                           "button_content": button or gating.button_content, "fields": fields})
        Gating.model_validate(edited.model_dump())
    except ValidationError as exc:
        st.error("; ".join(e["msg"].removeprefix("Value error, ") for e in exc.errors()))
        edited = gating
    with right:
        st.caption("Preview: the form as people see it on the Hub")
        preview(edited, privacy_url, key)
    for problem in gate_form.yaml_problems(gate_form.gate_yaml(edited, privacy_url)):
        st.warning(f"The checks will block this form: {problem}.", icon=":material/gpp_maybe:")
    return edited
