"""The Feedback page's charts: one release label per moment a plan went out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pandas as pd

from components.feedback import charts
from services.hub.history import ReleaseRecord
from services.hub.snapshots import release_events

V1 = datetime(2026, 11, 16, 9, 30, tzinfo=UTC)


def _published(tier: str, tag: str, at: datetime) -> ReleaseRecord:
    return ReleaseRecord(released_at=at, actor="owner", tier=tier, repo_id=f"brightrun/{tier}", outcome="published",
                         tag=tag)


def test_a_plan_released_at_once_is_labelled_once():
    moments = (("v1", V1), ("v2", V1 + timedelta(days=14)))
    records = [_published(tier, tag, at + timedelta(seconds=i)) for tag, at in moments
               for i, tier in enumerate(("preview", "eq-100", "full"))]
    counts = pd.DataFrame({"day": [V1.date()], "kind": ["thread"], "count": [2]})
    spec = charts.over_time(counts, release_events(records)).to_dict()
    datasets = spec["datasets"]
    texts = [layer for layer in spec["layer"] if layer["mark"]["type"] == "text"]
    rules = [layer for layer in spec["layer"] if layer["mark"]["type"] == "rule"]
    labels = [row["label"] for row in datasets[texts[0]["data"]["name"]]]
    assert labels == ["v1: preview, eq-100, full", "v2: preview, eq-100, full"]  # two labels, not six on top
    assert len(datasets[rules[0]["data"]["name"]]) == 6  # each repo's rule keeps its tooltip
