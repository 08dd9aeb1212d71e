"""Traction charts: each series over time with the releases marked, and the release's funnel.

Pure functions (no Streamlit calls): tidy DataFrame in, titled Altair chart out.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from services.hub.snapshots import release_marks


def traction_lines(series: pd.DataFrame, events: pd.DataFrame, label: str) -> alt.LayerChart:
    """One series (e.g. "downloads (30 days)") per repo over time; each release a dashed rule with its tag."""
    data = series[series["series"] == label]
    lines = alt.Chart(data, title=label.capitalize()).mark_line(point=True).encode(
        x=alt.X("taken_at:T", title="Snapshot (UTC)", axis=alt.Axis(format="%d %b %H:%M", labelOverlap=True)),
        y=alt.Y("value:Q", title=label),
        color=alt.Color("repo_id:N", title="Repo or Space", legend=alt.Legend(labelLimit=320)),
        tooltip=[alt.Tooltip("repo_id:N", title="Repo"),
                 alt.Tooltip("taken_at:T", title="Taken", format="%Y-%m-%d %H:%M"),
                 alt.Tooltip("value:Q", title=label, format=",")])
    rules = alt.Chart(events).mark_rule(strokeDash=[4, 3], color="#888").encode(
        x="released_at:T", tooltip=[alt.Tooltip("label:N", title="Release"), alt.Tooltip("repo_id:N", title="Repo"),
                                    alt.Tooltip("released_at:T", title="Released", format="%Y-%m-%d %H:%M")])
    tags = alt.Chart(release_marks(events)).mark_text(align="left", dx=3, dy=-6, fontSize=10, color="#555").encode(
        x="released_at:T", y=alt.value(0), text="label:N")
    return alt.layer(lines, rules, tags).properties(height=260)


def funnel_bars(stages: pd.DataFrame) -> alt.Chart:
    """Each path's stages as horizontal bars, widest first (a funnel read top to bottom)."""
    return alt.Chart(stages).mark_bar().encode(
        y=alt.Y("stage:N", title=None, sort=alt.EncodingSortField("order"), axis=alt.Axis(labelLimit=200)),
        x=alt.X("value:Q", title="People or downloads"),
        color=alt.Color("path:N", legend=None),
        row=alt.Row("path:N", title=None, header=alt.Header(labelAngle=0, labelAlign="left")),
        tooltip=[alt.Tooltip("path:N"), alt.Tooltip("stage:N"), alt.Tooltip("value:Q", format=",")],
    ).resolve_scale(y="independent").properties(height=alt.Step(28))
