"""The row of headline figures at the top of the Overview page."""

from __future__ import annotations

import streamlit as st

from services.dataset.summary import TRAINABLE_EXAMPLES, Kpis


def kpi_row(k: Kpis) -> None:
    cols = st.columns([1, 1, 1.4, 1, 1])  # "Supervised examples" whole at 1280 px, beside its help icon
    cols[0].metric("Conversations", f"{k.conversations:,}", border=True)
    cols[1].metric("Training pairs", f"{k.training_pairs:,}", border=True,
                   help="As the format counts them: one per turn, user-only turns included.")
    cols[2].metric("Supervised examples", f"{k.supervised_examples:,}", border=True,
                   delta=f"{k.supervised_share:.0%} of pairs", delta_color="off", delta_arrow="off",
                   help="Pairs that carry an assistant response (target_response): what a model trains on.")
    cols[3].metric("Average quality", "—" if k.quality_avg is None else f"{k.quality_avg:.2f}", border=True,
                   delta="on a 1–5 scale", delta_color="off", delta_arrow="off")
    cols[4].metric("Human-reviewed", f"{k.human_reviewed_share:.0%}", border=True,
                   delta=f"{k.human_reviewed_pairs:,} pairs", delta_color="off", delta_arrow="off")
    if not k.trainable:
        st.caption(f"Below the platform's LoRA readiness rule of {TRAINABLE_EXAMPLES:,} supervised examples.")
