"""The recommendation as a chart: how much each goal adds to every strategy's score.

Built here, not in `components/`, because the decision brief renders the same chart as a PNG.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from services.strategy.advice import GOALS, Recommendation


def contributions(rec: Recommendation) -> pd.DataFrame:
    """One row per strategy and goal: the goal's weighted score, as a share of the whole weight."""
    weights = sum(rec.goals.weight(g) for g in GOALS) or 1
    return pd.DataFrame([
        {"strategy": label, "goal": rec.goals.title(g),
         "points": rec.goals.weight(g) * rec.goal_scores[label][g] / weights}
        for label in rec.scores for g in GOALS])


def score_bars(rec: Recommendation) -> alt.Chart:
    """Stacked bars, one per strategy, the recommended one first; length = its score (0 to 1)."""
    order = sorted(rec.scores, key=lambda label: -rec.scores[label])
    return alt.Chart(contributions(rec), title="How each strategy scores on the owner's goals").mark_bar().encode(
        x=alt.X("sum(points):Q", title="Score (weighted by the goals)", scale=alt.Scale(domain=[0, 1])),
        y=alt.Y("strategy:N", title=None, sort=order, axis=alt.Axis(labelLimit=240)),
        color=alt.Color("goal:N", title="Goal", sort=[rec.goals.title(g) for g in GOALS]),
        tooltip=[alt.Tooltip("strategy:N", title="Strategy"), alt.Tooltip("goal:N", title="Goal"),
                 alt.Tooltip("points:Q", title="Points", format=".2f")],
    ).properties(height=alt.Step(34))
