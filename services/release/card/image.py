"""The card's coverage chart as a PNG (persona × arc heatmap), rendered without a browser."""

from __future__ import annotations

import pyarrow as pa


def coverage_png(conversations: pa.Table) -> bytes | None:
    """PNG bytes of conversations per persona × arc, or None where vl-convert is not installed."""
    import altair as alt  # only where an image is drawn: `bundle --no-image` never loads it
    try:
        import vl_convert as vlc
    except ImportError:
        return None
    df = conversations.select(["persona_name", "arc_name"]).to_pandas()
    counts = df.value_counts().rename("conversations").reset_index()
    base = alt.Chart(counts, title="Conversations per persona × emotional arc").encode(
        x=alt.X("arc_name:N", title="Emotional arc", axis=alt.Axis(labelAngle=-30, labelLimit=220)),
        y=alt.Y("persona_name:N", title="Persona"),
    )
    chart = (base.mark_rect().encode(color=alt.Color("conversations:Q", title="Conversations",
                                                     scale=alt.Scale(scheme="blues")))
             + base.mark_text(fontSize=12).encode(text="conversations:Q")).properties(width=520, height=150)
    return vlc.vegalite_to_png(chart.to_json(), scale=2)
