"""Coverage page."""

from __future__ import annotations

from tests.app.conftest import no_exception, open_app
from tests.support.exports import export_bytes


def charts(at) -> list:
    return [e for e in at.main if getattr(e, "type", "") == "vega_lite_chart"]


def test_demo_coverage_is_complete_and_charted():
    at = open_app("app_pages/coverage.py")
    no_exception(at)
    assert at.success[0].value == "All 21 persona × arc cells hold at least one conversation."
    assert len(charts(at)) == 5
    assert at.title[0].value == "Coverage"


def test_empty_cells_are_called_out(tmp_path, small_export):
    path = tmp_path / "training.json"
    path.write_bytes(export_bytes(small_export))
    at = open_app("app_pages/coverage.py")
    at.radio(key="source.kind").set_value("path").run()
    at.text_input(key="source.path").set_value(str(path)).run()
    no_exception(at)
    warning = at.warning[0].value
    assert "2 of 4 persona × arc cells are empty" in warning
    assert "anxious_planner × crisis_to_referral" in warning
