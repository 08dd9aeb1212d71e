"""Coverage before and after the batch, as persona × arc heatmaps side by side (pure: frame in, chart out)."""

from __future__ import annotations

from collections.abc import Mapping

import altair as alt
import pandas as pd

from services.batch.cell_counts import Coverage


def coverage_frame(before: Coverage, after: Coverage, names: Mapping[str, str] | None = None) -> pd.DataFrame:
    """One row per persona × arc cell and moment: conversations then, and how many the batch adds; each
    key with the name people read (`names`: key → name; a key without one is shown as it is)."""
    rows = []
    for moment, cov in (("before", before), ("after the batch", after)):
        counts: dict[tuple[str, str], int] = {}
        for (persona, arc, _), n in cov.cells.items():
            counts[(persona, arc)] = counts.get((persona, arc), 0) + n
        rows += [{"moment": moment, "persona": p, "arc": a, "conversations": n} for (p, a), n in counts.items()]
    frame = pd.DataFrame(rows, columns=["moment", "persona", "arc", "conversations"])
    base = frame[frame["moment"] == "before"].set_index(["persona", "arc"])["conversations"]
    frame["added"] = frame.apply(lambda r: r["conversations"] - base.get((r["persona"], r["arc"]), 0), axis=1)
    names = names or {}
    frame["persona_name"] = [names.get(k, k) for k in frame["persona"]]
    frame["arc_name"] = [names.get(k, k) for k in frame["arc"]]
    return frame


def coverage_heatmaps(frame: pd.DataFrame) -> alt.FacetChart:
    """Conversations per persona × arc, before and after; an empty cell shows as 0 in a pale square."""
    base = alt.Chart(frame).encode(
        x=alt.X("arc_name:N", title="Emotional arc", axis=alt.Axis(labelAngle=-40, labelLimit=220, labelOverlap=False)),
        y=alt.Y("persona_name:N", title="Persona", axis=alt.Axis(labelLimit=200)))
    cells = base.mark_rect(stroke="#ddd").encode(
        color=alt.Color("conversations:Q", title="Conversations", scale=alt.Scale(scheme="blues")),
        tooltip=[alt.Tooltip("persona_name:N", title="Persona"), alt.Tooltip("persona:N", title="Persona key"),
                 alt.Tooltip("arc_name:N", title="Arc"), alt.Tooltip("arc:N", title="Arc key"),
                 alt.Tooltip("conversations:Q"),
                 alt.Tooltip("added:Q", title="Added by the batch")])
    labels = base.mark_text(fontSize=11).encode(text="conversations:Q")
    return alt.layer(cells, labels).properties(width=alt.Step(40), height=alt.Step(28)).facet(
        row=alt.Row("moment:N", title=None, sort=["before", "after the batch"],
                    header=alt.Header(labelAngle=0, labelAlign="left", labelFontWeight="bold")))
