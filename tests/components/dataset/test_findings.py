"""The findings component on its own (AppTest.from_function)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _render() -> None:
    from components.dataset.findings import findings_report
    from services.dataset.report import ValidationReport

    report = ValidationReport()
    report.add("error", "conversation_dropped", "dropped: bad", "f.json: conversation x, field `y`")
    report.dropped_conversations.append("x")
    report.add("info", "not_human_reviewed", "0 % reviewed", "f.json")
    findings_report(report)


def test_counts_dropped_list_and_filter():
    at = AppTest.from_function(_render).run()
    assert not at.exception
    assert {m.label: m.value for m in at.metric} == {"Errors": "1", "Warnings": "0", "Infos": "1"}
    assert "dropped: x" in at.error[0].value
    assert len(at.dataframe[0].value) == 2
    at.pills(key="findings.severities").set_value(["warning"]).run()
    assert at.success[0].value == "No findings of the chosen severities."
