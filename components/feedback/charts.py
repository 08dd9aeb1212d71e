"""Feedback charts: threads and form answers over time with the releases marked; themes as bars.

Pure functions (no Streamlit calls): tidy DataFrame in, titled Altair chart out.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from services.feedback.models import FeedbackRead
from services.hub.snapshots import release_marks


def over_time_frame(read: FeedbackRead) -> pd.DataFrame:
    """One row per thread and per form answer: when, what kind, where."""
    rows = [{"day": t.created_at.date(), "kind": "thread", "repo_id": t.repo_id} for t in read.threads()]
    rows += [{"day": a.created_at.date(), "kind": "form answer", "repo_id": a.repo_id} for a in read.form_answers]
    frame = pd.DataFrame(rows, columns=["day", "kind", "repo_id"])
    if frame.empty:
        return frame.assign(count=pd.Series(dtype=int))
    return frame.groupby(["day", "kind"], as_index=False).size().rename(columns={"size": "count"})


def over_time(counts: pd.DataFrame, events: pd.DataFrame) -> alt.LayerChart:
    """Threads and form answers per day, stacked; each release a dashed rule, and one label per moment a
    plan went out ("v2: preview, eq-100, full"), never three drawn over each other."""
    bars = alt.Chart(counts, title="Threads and form answers per day").mark_bar().encode(
        x=alt.X("day:T", title="Day", axis=alt.Axis(format="%d %b")),
        y=alt.Y("count:Q", title="How many", axis=alt.Axis(tickMinStep=1)),
        color=alt.Color("kind:N", title=None, scale=alt.Scale(domain=["thread", "form answer"])),
        tooltip=[alt.Tooltip("day:T", format="%Y-%m-%d"), alt.Tooltip("kind:N"), alt.Tooltip("count:Q")])
    rules = alt.Chart(events).mark_rule(strokeDash=[4, 3], color="#888").encode(
        x="released_at:T", tooltip=[alt.Tooltip("label:N", title="Release"), alt.Tooltip("repo_id:N", title="Repo")])
    tags = alt.Chart(release_marks(events)).mark_text(align="left", dx=3, dy=-6, fontSize=10, color="#555").encode(
        x="released_at:T", y=alt.value(0), text="label:N")
    return alt.layer(bars, rules, tags).properties(height=240)


def themes_frame(read: FeedbackRead, names: dict[str, str] | None = None) -> pd.DataFrame:
    """One row per theme: its name, its key, how many threads and answers raised it, the words that matched."""
    names = names or {}
    return pd.DataFrame([{"name": names.get(t.theme, t.theme), "theme": t.theme, "kind": t.kind, "count": t.count,
                          "words": ", ".join(t.words)} for t in read.themes],
                        columns=["name", "theme", "kind", "count", "words"])


def themes_bars(themes: pd.DataFrame) -> alt.Chart:
    """Themes as horizontal bars, most raised first; the matched words in the tooltip."""
    return alt.Chart(themes, title="What people talk about").mark_bar().encode(
        y=alt.Y("name:N", sort="-x", title=None, axis=alt.Axis(labelLimit=240)),
        x=alt.X("count:Q", title="Threads and form answers", axis=alt.Axis(tickMinStep=1)),
        color=alt.Color("kind:N", title="Kind"),
        tooltip=[alt.Tooltip("name:N", title="Theme"), alt.Tooltip("theme:N", title="Key"), alt.Tooltip("kind:N"),
                 alt.Tooltip("count:Q"),
                 alt.Tooltip("words:N", title="Words that matched")],
    ).properties(height=alt.Step(22))
