"""Overview page, driven through the real app with AppTest."""

from __future__ import annotations

from tests.app.conftest import no_exception, open_app
from tests.support.exports import export_bytes


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_demo_kpis_and_summary():
    at = open_app()
    no_exception(at)
    m = metrics(at)
    assert (m["Conversations"], m["Training pairs"], m["Supervised examples"]) == ("242", "1,567", "731")
    assert m["Human-reviewed"] == "0%"
    assert m["Errors"] == "0" and m["Warnings"] == "1"
    assert any("1,567 training pairs, of which 731 (47%) carry an assistant response" in i.value for i in at.info)
    findings = at.dataframe[0].value
    assert "file_summary_mismatch" in set(findings["code"])
    assert len(at.dataframe[1].value) == 242  # the conversations table


def test_severity_filter_hides_findings():
    at = open_app()
    at.pills(key="findings.severities").set_value(["warning"]).run()
    no_exception(at)
    assert set(at.dataframe[0].value["severity"]) == {"warning"}


def test_upload_source(small_export):
    at = open_app()
    at.radio(key="source.kind").set_value("upload").run()
    assert any("Choose a file to upload" in i.value for i in at.info)
    at.file_uploader(key="source.upload").set_value(("mine.json", export_bytes(small_export), "application/json"))
    at.run()
    no_exception(at)
    m = metrics(at)
    assert (m["Conversations"], m["Training pairs"], m["Supervised examples"]) == ("2", "7", "3")
    assert any("mine.json" in c.value for c in at.caption)


def test_broken_upload_shows_where_and_no_traceback():
    at = open_app()
    at.radio(key="source.kind").set_value("upload").run()
    at.file_uploader(key="source.upload").set_value(("broken.json", b'{"conversations": [', "application/json"))
    at.run()
    no_exception(at)
    (error,) = at.error
    assert "This export cannot be read" in error.value
    assert "broken.json, line 1" in error.value and "truncated" in error.value
    assert not at.metric  # nothing half-shown


def test_path_source(tmp_path, small_export):
    path = tmp_path / "training.json"
    path.write_bytes(export_bytes(small_export))
    at = open_app()
    at.radio(key="source.kind").set_value("path").run()
    at.text_input(key="source.path").set_value(str(path)).run()
    no_exception(at)
    assert metrics(at)["Conversations"] == "2"
    at.text_input(key="source.path").set_value(str(tmp_path / "missing.json")).run()
    no_exception(at)
    assert "no such file" in at.error[0].value


def test_jsonl_upload(demo_export):
    import copy

    from services.demo import generator as demo

    small = copy.deepcopy(demo_export)
    small["conversations"] = small["conversations"][:6]
    at = open_app()
    at.radio(key="source.kind").set_value("upload").run()
    at.file_uploader(key="source.upload").set_value(("training.jsonl", demo.to_jsonl_bytes(small),
                                                     "application/jsonl")).run()
    no_exception(at)
    assert metrics(at)["Conversations"] == "6"
    assert any("JSONL training file" in c.value for c in at.caption)


def test_a_broken_conversation_is_dropped_and_named(small_export):
    small_export["conversations"][1]["training_pairs"][0]["turn_number"] = "one"
    at = open_app()
    at.radio(key="source.kind").set_value("upload").run()
    at.file_uploader(key="source.upload").set_value(("mixed.json", export_bytes(small_export),
                                                     "application/json")).run()
    no_exception(at)
    assert metrics(at)["Conversations"] == "1" and metrics(at)["Errors"] == "1"
    assert "dropped: c-2" in at.error[0].value
    findings = at.dataframe[0].value
    assert "mixed.json: conversation c-2, field `training_pairs[0].turn_number`" in set(findings["where"])


def test_an_early_export_loads_with_its_recovered_keys_said():
    """Issue #20: the platform's first exports (keys on the pairs only) load whole, and the Overview says
    where the keys came from as information, and that the file's own summary disagrees."""
    from tests.support.exports import early_export

    at = open_app()
    at.radio(key="source.kind").set_value("upload").run()
    at.file_uploader(key="source.upload").set_value(("early.json", export_bytes(early_export()), "application/json"))
    at.run()
    no_exception(at)
    m = metrics(at)
    assert (m["Conversations"], m["Errors"]) == ("3", "0")
    findings = at.dataframe[0].value.set_index("code")
    assert findings.loc["keys_recovered", "severity"] == "info"
    assert findings.loc["keys_recovered", "what"].startswith("keys recovered from training pairs for 3 of 3")
    assert findings.loc["file_summary_mismatch", "severity"] == "warning"
    conversations = at.dataframe[1].value
    assert set(conversations["persona_key"]) == {"pragmatic_optimist", "anxious_planner", "overwhelmed_avoider"}
