"""Which scaffolding a plan uses is decided in one place, in one wording, for the command line and the page:
a file given → Supabase's tables when configured → the demo's when it may stand in → the data's own keys."""

from __future__ import annotations

import json

import pytest

from services.batch.demand import parse_feedback_file, read_feedback_file
from services.batch.scaffolding_source import FROM_DATA, FROM_DEMO, FROM_SUPABASE, demo_scaffolding, resolve_scaffolding
from services.dataset.report import LoadError
from services.demo.scaffolding_rows import scaffolding_document

DOCUMENT = json.dumps(scaffolding_document()).encode()


def test_a_file_wins_and_is_said_alike_whether_a_path_or_an_upload(tmp_path):
    path = tmp_path / "scaffolding.json"
    path.write_bytes(DOCUMENT)
    session = object()  # never asked: a file given wins over Supabase

    def tables(_session):
        raise AssertionError("Supabase read though a file was given")

    on_disk, where = resolve_scaffolding(str(path), session, demo_fallback=True, tables=tables)  # type: ignore[arg-type]
    uploaded, said = resolve_scaffolding((DOCUMENT, "scaffolding.json"), session, True, tables=tables)  # type: ignore[arg-type]
    assert on_disk == uploaded == demo_scaffolding()
    assert (where, said) == (f"the scaffolding file {path}", "the scaffolding file scaffolding.json")


def test_then_supabase_then_the_demo_then_the_data_alone():
    asked = []

    def tables(session):
        asked.append(session)
        return demo_scaffolding()

    assert resolve_scaffolding(None, "session", demo_fallback=True, tables=tables)[1] == FROM_SUPABASE  # type: ignore[arg-type]
    assert asked == ["session"]
    assert resolve_scaffolding(None, None, demo_fallback=True) == (demo_scaffolding(), FROM_DEMO)
    assert resolve_scaffolding(None, None, demo_fallback=False) == (None, FROM_DATA)


def test_a_broken_upload_is_refused_in_words_naming_it():
    with pytest.raises(LoadError, match=r"mine\.json"):
        resolve_scaffolding((b"{not json", "mine.json"), None, demo_fallback=True)


def test_a_feedback_file_reads_the_same_from_bytes_and_from_disk(tmp_path):
    data = b'{"themes": [{"theme": "shame_to_acceptance", "kind": "arc", "count": 3}], "repos": []}'
    path = tmp_path / "feedback.json"
    path.write_bytes(data)
    assert parse_feedback_file(data, "feedback.json") == read_feedback_file(path)
    assert [t.theme for t in parse_feedback_file(data, "feedback.json")] == ["shame_to_acceptance"]
    with pytest.raises(LoadError, match=r"upload\.json"):
        parse_feedback_file(b'{"themes": "many"}', "upload.json")
