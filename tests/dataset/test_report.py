"""Findings, aggregation of recurring ones, and the load error's one line."""

from __future__ import annotations

from services.dataset.report import MAX_EXAMPLES, LoadError, Tally, ValidationReport


def test_counts_include_every_severity():
    report = ValidationReport()
    report.add("warning", "x", "m")
    assert report.counts() == {"error": 0, "warning": 1, "info": 0}
    assert not report.has_errors


def test_tally_counts_everything_and_keeps_a_few_places():
    tally = Tally("conversation {}, turn {}")
    for turn in range(12):
        tally.add("c-1", turn)
    report = ValidationReport()
    tally.emit(report, "info", "code", "twelve")
    (finding,) = report.findings
    assert finding.count == 12
    assert len(finding.examples) == MAX_EXAMPLES
    assert finding.where == "conversation c-1, turn 0"


def test_an_empty_tally_emits_nothing():
    report = ValidationReport()
    Tally("{}").emit(report, "warning", "code", "none")
    assert report.findings == []


def test_load_error_is_one_line_with_its_place():
    err = LoadError("empty_file", "the file is empty", "x.json")
    assert str(err) == "x.json: the file is empty"
    assert err.finding.severity == "error" and err.finding.code == "empty_file"
