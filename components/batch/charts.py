"""Coverage before and after the batch, as persona × arc heatmaps side by side (pure: frame in, chart out)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from services.batch.coverage import Coverage


def coverage_frame(before: Coverage, after: Coverage) -> pd.DataFrame:
    """One row per persona × arc cell and moment: conversations then, and how many the batch adds."""
    rows = []
    for moment, cov in (("before", before), ("after the batch", after)):
        counts: dict[tuple[str, str], int] = {}
        for (persona, arc, _), n in cov.cells.items():
            counts[(persona, arc)] = counts.get((persona, arc), 0) + n
        rows += [{"moment": moment, "persona": p, "arc": a, "conversations": n} for (p, a), n in counts.items()]
    frame = pd.DataFrame(rows, columns=["moment", "persona", "arc", "conversations"])
    base = frame[frame["moment"] == "before"].set_index(["persona", "arc"])["conversations"]
    frame["added"] = frame.apply(lambda r: r["conversations"] - base.get((r["persona"], r["arc"]), 0), axis=1)
    return frame


def coverage_heatmaps(frame: pd.DataFrame) -> alt.FacetChart:
    """Conversations per persona × arc, before and after; an empty cell shows as 0 in a pale square."""
    base = alt.Chart(frame).encode(
        x=alt.X("arc:N", title="Emotional arc", axis=alt.Axis(labelAngle=-60, labelLimit=200, labelOverlap=False)),
        y=alt.Y("persona:N", title="Persona"))
    cells = base.mark_rect(stroke="#ddd").encode(
        color=alt.Color("conversations:Q", title="Conversations", scale=alt.Scale(scheme="blues")),
        tooltip=[alt.Tooltip("persona:N"), alt.Tooltip("arc:N"), alt.Tooltip("conversations:Q"),
                 alt.Tooltip("added:Q", title="Added by the batch")])
    labels = base.mark_text(fontSize=11).encode(text="conversations:Q")
    return alt.layer(cells, labels).properties(width=alt.Step(40), height=alt.Step(28)).facet(
        row=alt.Row("moment:N", title=None, sort=["before", "after the batch"],
                    header=alt.Header(labelAngle=0, labelAlign="left", labelFontWeight="bold")))
