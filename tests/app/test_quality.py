"""Quality page."""

from __future__ import annotations

from tests.app.conftest import no_exception, open_app


def test_demo_quality_page():
    at = open_app("app_pages/quality.py")
    no_exception(at)
    m = {x.label: x.value for x in at.metric}
    assert m["Average quality"] == "3.06 / 5"
    assert m["Human-reviewed pairs"] == "0"
    assert m["End on an unanswered user turn"] == "105"
    assert any("every score is the generator's own" in c.value for c in at.caption)
    shift = at.dataframe[0].value
    assert len(shift) == 7 and (shift["start"] > shift["end"]).all()  # every arc calms the client down
    assert len([e for e in at.main if getattr(e, "type", "") == "vega_lite_chart"]) == 6
