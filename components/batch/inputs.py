"""The Next batch page's inputs: the knobs, the scaffolding and the feedback themes. Owns `next_batch.*`."""

from __future__ import annotations

import streamlit as st

from components.batch.scaffolding_state import current_scaffolding
from services.batch import body as platform
from services.batch.demand import parse_feedback_file
from services.batch.planner import DEFAULTS, BatchRequest
from services.batch.scaffolding_source import resolve_scaffolding
from services.dataset.report import LoadError
from services.dataset.scaffolding import Scaffolding
from services.feedback.models import ThemeCount
from services.supabase.errors import SupabaseError

SIZE_KEY, TOTAL_KEY, BUDGET_KEY = "next_batch.size", "next_batch.total", "next_batch.budget"
EDGE_KEY, FEEDBACK_SHARE_KEY, NAME_KEY = "next_batch.edge_share", "next_batch.feedback_share", "next_batch.name"
COST_KEY, SECONDS_KEY, CONCURRENCY_KEY = "next_batch.cost", "next_batch.seconds", "next_batch.concurrency"
SCAFFOLDING_FILE_KEY, FEEDBACK_FILE_KEY, THEMES_KEY = ("next_batch.scaffolding_file", "next_batch.feedback_file",
                                                       "next_batch.themes_source")


def knobs(default_edge_share: float) -> BatchRequest:
    """Size (conversations or a budget), edge share, the feedback's share, the platform's figures, the name."""
    c1, c2, c3 = st.columns(3)
    size = c1.segmented_control("Size by", ["Conversations", "Budget"], default="Conversations", key=SIZE_KEY)
    total = budget = None
    if size == "Budget":
        budget = c2.number_input("Budget (USD)", min_value=0.0, value=DEFAULTS.default_budget_usd, step=5.0,
                                 key=BUDGET_KEY)
    else:
        total = int(c2.number_input("Conversations", min_value=1, max_value=5000, value=DEFAULTS.default_total, step=1,
                                    key=TOTAL_KEY))
    name = c3.text_input("Batch name", value=DEFAULTS.name, key=NAME_KEY, max_chars=120) or DEFAULTS.name
    c1, c2 = st.columns(2)
    edge = c1.slider("Edge-case share", 0.0, 1.0, value=round(default_edge_share, 2), step=0.05, key=EDGE_KEY,
                     help="default: the scaffolding's own share of edge-case arcs")
    lift = c2.slider("Share that follows feedback", 0.0, 1.0, value=DEFAULTS.feedback_share, step=0.05,
                     key=FEEDBACK_SHARE_KEY,
                     help="at most this share of the batch goes to what people asked for, split by how often")
    with st.expander("The platform's figures"):
        c1, c2, c3 = st.columns(3)
        cost = c1.number_input("Cost per conversation (USD)", min_value=0.01, value=platform.COST_PER_CONVERSATION,
                               step=0.05, key=COST_KEY)
        seconds = int(c2.number_input("Seconds per conversation", min_value=1, value=platform.SECONDS_PER_CONVERSATION,
                                      key=SECONDS_KEY))
        concurrency = int(c3.number_input("At a time (1–10)", min_value=1, max_value=10, value=platform.CONCURRENCY,
                                          key=CONCURRENCY_KEY))
    return BatchRequest(name=name, total=total, budget_usd=budget, edge_share=edge, feedback_share=lift,
                        cost_per_conversation=cost, seconds_per_conversation=seconds, concurrency=concurrency)


def scaffolding(is_demo: bool) -> tuple[Scaffolding | None, str]:
    """An uploaded scaffolding file, else Supabase's tables, else the demo's (for the demo data), else none."""
    upload = st.file_uploader("Scaffolding file (JSON: personas, emotional_arcs, training_topics, prompt_templates)",
                              type=["json"], key=SCAFFOLDING_FILE_KEY)
    file = (upload.getvalue(), upload.name) if upload is not None else None
    try:
        return current_scaffolding(is_demo, file)
    except LoadError as exc:
        st.error(f"**This scaffolding file cannot be used.** {exc}", icon=":material/error:")
        st.stop()
    except SupabaseError as exc:  # said, then the demo's or the data's own keys
        st.warning(f"Supabase's scaffolding tables could not be read: {exc}", icon=":material/warning:")
    return resolve_scaffolding(None, None, demo_fallback=is_demo)


def themes(live: list[ThemeCount] | None, live_said: str) -> tuple[list[ThemeCount], str]:
    """What feedback asks for: the Feedback page's live themes, a `feedback --json` file, or none."""
    upload = st.file_uploader("Or themes from a file `cli feedback --json` wrote", type=["json"], key=FEEDBACK_FILE_KEY)
    if upload is not None:
        try:
            return parse_feedback_file(upload.getvalue(), upload.name), f"the file {upload.name}"
        except LoadError as exc:
            st.error(f"**This feedback file cannot be used.** {exc}", icon=":material/error:")
            st.stop()
    if live is not None:
        return live, live_said
    return [], live_said
