"""Altair chart builders: tidy DataFrame in, titled chart with axis labels and tooltips out.

Pure functions (no Streamlit calls), so they can be tested and reused by the card renderer.
"""

from __future__ import annotations

import altair as alt
import pandas as pd


def coverage_heatmap(cells: pd.DataFrame, rows: str, cols: str, title: str) -> alt.Chart:
    """Cells coloured by conversations; empty cells outlined in red and labelled 0."""
    base = alt.Chart(cells, title=title).encode(
        x=alt.X(f"{cols}_name:N", title=cols.capitalize(),
                axis=alt.Axis(labelAngle=-30, labelLimit=200, labelOverlap=False)),
        y=alt.Y(f"{rows}_name:N", title=rows.capitalize(), axis=alt.Axis(labelLimit=200)),
        tooltip=[alt.Tooltip(f"{rows}_name:N", title=rows.capitalize()),
                 alt.Tooltip(f"{cols}_name:N", title=cols.capitalize()),
                 alt.Tooltip("conversations:Q", title="Conversations")],
    )
    rect = base.mark_rect(stroke="white").encode(
        color=alt.Color("conversations:Q", title="Conversations", scale=alt.Scale(scheme="blues")),
        stroke=alt.condition("datum.empty", alt.value("#d62728"), alt.value("white")),
        strokeWidth=alt.condition("datum.empty", alt.value(2), alt.value(1)),
    )
    text = base.mark_text(fontSize=11).encode(
        text="conversations:Q",
        color=alt.condition("datum.conversations > 20", alt.value("white"), alt.value("black")),
    )
    return (rect + text).properties(height=alt.Step(34))


def count_bars(dist: pd.DataFrame, label: str, title: str) -> alt.Chart:
    """Horizontal bars of conversations per key, largest first."""
    return alt.Chart(dist, title=title).mark_bar().encode(
        x=alt.X("conversations:Q", title="Conversations"),
        y=alt.Y("name:N", title=label, sort="-x", axis=alt.Axis(labelLimit=220)),
        color=alt.condition("datum.conversations == 0", alt.value("#d62728"), alt.value("#4c78a8")),
        tooltip=[alt.Tooltip("name:N", title=label), alt.Tooltip("key:N", title="Key"),
                 alt.Tooltip("conversations:Q", title="Conversations"),
                 alt.Tooltip("share:Q", title="Share", format=".1%"),
                 alt.Tooltip("supervised_examples:Q", title="Supervised examples")],
    ).properties(height=alt.Step(22))


def quality_histogram(scores: pd.DataFrame) -> alt.Chart:
    return alt.Chart(scores, title="Conversation quality (mean of its pairs' scores, 1–5)").mark_bar().encode(
        x=alt.X("quality:O", title="Quality score", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("conversations:Q", title="Conversations"),
        tooltip=[alt.Tooltip("quality:O", title="Quality"), alt.Tooltip("conversations:Q", title="Conversations")],
    )


def criteria_lines(dist: pd.DataFrame) -> alt.Chart:
    """How each quality criterion's scores are spread across conversations."""
    return alt.Chart(dist, title="Quality criteria across conversations").mark_line(point=True).encode(
        x=alt.X("score:Q", title="Score (1–5)", scale=alt.Scale(zero=False)),
        y=alt.Y("conversations:Q", title="Conversations"),
        color=alt.Color("criterion:N", title="Criterion"),
        tooltip=[alt.Tooltip("criterion:N", title="Criterion"), alt.Tooltip("score:Q", title="Score"),
                 alt.Tooltip("conversations:Q", title="Conversations")],
    )


def mean_quality_heat(by: pd.DataFrame, label: str, title: str) -> alt.Chart:
    """Mean of each criterion (columns) per key (rows)."""
    value_cols = [c for c in ("quality", "empathy", "clarity", "appropriateness", "brand_voice") if c in by]
    long = by.melt(id_vars=["key", "name", "conversations"], value_vars=value_cols,
                   var_name="measure", value_name="mean")
    base = alt.Chart(long, title=title).encode(
        x=alt.X("measure:N", title="Measure", sort=value_cols, axis=alt.Axis(labelAngle=-30)),
        y=alt.Y("name:N", title=label, axis=alt.Axis(labelLimit=220)),
        tooltip=[alt.Tooltip("name:N", title=label), alt.Tooltip("measure:N", title="Measure"),
                 alt.Tooltip("mean:Q", title="Mean", format=".2f"),
                 alt.Tooltip("conversations:Q", title="Conversations")],
    )
    rect = base.mark_rect().encode(color=alt.Color("mean:Q", title="Mean score", scale=alt.Scale(scheme="greens")))
    return (rect + base.mark_text(fontSize=11).encode(text=alt.Text("mean:Q", format=".2f"))).properties(
        height=alt.Step(28))


def turns_bars(turns: pd.DataFrame) -> alt.Chart:
    long = turns.assign(answered=turns["conversations"] - turns["ends_on_user"]).melt(
        id_vars=["turns"], value_vars=["answered", "ends_on_user"], var_name="ending", value_name="n",
    ).rename(columns={"n": "conversations"})
    long["ending"] = long["ending"].map({"answered": "ends on an assistant turn",
                                         "ends_on_user": "ends on an unanswered user turn"})
    return alt.Chart(long, title="Turns per conversation").mark_bar().encode(
        x=alt.X("turns:O", title="Turns (training pairs)", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("conversations:Q", title="Conversations", stack=True),
        color=alt.Color("ending:N", title="Ending"),
        tooltip=[alt.Tooltip("turns:O", title="Turns"), alt.Tooltip("ending:N", title="Ending"),
                 alt.Tooltip("conversations:Q", title="Conversations")],
    )


def intensity_lines(by_turn: pd.DataFrame) -> alt.Chart:
    return alt.Chart(by_turn, title="Emotion intensity along the conversation, per arc").mark_line(point=True).encode(
        x=alt.X("turn:O", title="Turn", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("intensity:Q", title="Mean detected intensity (0–1)", scale=alt.Scale(domain=[0, 1])),
        color=alt.Color("arc_key:N", title="Emotional arc"),
        tooltip=[alt.Tooltip("arc_key:N", title="Arc"), alt.Tooltip("turn:O", title="Turn"),
                 alt.Tooltip("intensity:Q", title="Mean intensity", format=".2f"),
                 alt.Tooltip("pairs:Q", title="Pairs")],
    )


def pair_kinds_bars(kinds: pd.DataFrame) -> alt.Chart:
    """Per arc: pairs that carry an assistant response against user-only pairs."""
    return alt.Chart(kinds, title="What the training pairs are, per emotional arc").mark_bar().encode(
        x=alt.X("pairs:Q", title="Training pairs", stack=True),
        y=alt.Y("name:N", title="Emotional arc", sort="-x", axis=alt.Axis(labelLimit=220)),
        color=alt.Color("kind:N", title=None, legend=alt.Legend(orient="bottom", labelLimit=400), scale=alt.Scale(
            domain=["supervised example (has a response)", "user-only turn (no response)"],
            range=["#2f6f9f", "#c7d7e6"])),
        tooltip=[alt.Tooltip("name:N", title="Arc"), alt.Tooltip("kind:N", title="Pair"),
                 alt.Tooltip("pairs:Q", title="Pairs")],
    ).properties(height=alt.Step(24))


def composition_bars(comp: pd.DataFrame, dimension: str) -> alt.Chart:
    """Each tier's mix of one dimension beside the full dataset's (horizontal grouped bars)."""
    return alt.Chart(comp, title=f"Tier composition by {dimension}, against the full dataset").mark_bar().encode(
        y=alt.Y("key:N", title=dimension.capitalize(), axis=alt.Axis(labelLimit=200, labelOverlap=False)),
        yOffset=alt.YOffset("tier:N", sort=None),
        x=alt.X("share:Q", title="Share of the tier's conversations", axis=alt.Axis(format="%")),
        color=alt.Color("tier:N", title="Tier", sort=None, legend=alt.Legend(orient="bottom", columns=2)),
        tooltip=[alt.Tooltip("tier:N", title="Tier"), alt.Tooltip("key:N", title=dimension.capitalize()),
                 alt.Tooltip("share:Q", title="Share", format=".1%")],
    ).properties(height=alt.Step(8))  # with yOffset, the step is one tier's bar


def tier_examples_bars(table: pd.DataFrame, threshold: int) -> alt.Chart:
    """Supervised examples per tier, with the trainability threshold as a rule."""
    bars = alt.Chart(table, title="Supervised examples per tier").mark_bar().encode(
        x=alt.X("supervised_examples:Q", title="Supervised examples"),
        y=alt.Y("tier:N", title=None, sort=None),
        color=alt.condition(f"datum.supervised_examples >= {threshold}", alt.value("#2f6f9f"), alt.value("#c7d7e6")),
        tooltip=[alt.Tooltip("tier:N", title="Tier"), alt.Tooltip("supervised_examples:Q", title="Examples"),
                 alt.Tooltip("conversations:Q", title="Conversations")],
    )
    rule = alt.Chart(pd.DataFrame({"x": [threshold]})).mark_rule(color="#d62728", strokeDash=[4, 3]).encode(
        x="x:Q", tooltip=[alt.Tooltip("x:Q", title="Trainable from")])
    return (bars + rule).properties(height=alt.Step(30))
