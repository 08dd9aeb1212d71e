"""A load kept beside its text store (`services.dataset.load_cache`): the same file loads again from what was
kept, with the same facts; anything it depends on makes a new one; a broken or vanished one is loaded again."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from services.dataset import load_cache
from services.dataset.keys import ScaffoldingNames
from services.dataset.loader import load_dataset
from services.demo.generator import demo_bytes


@pytest.fixture
def stores(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "stores"
    monkeypatch.setenv("STUDIO_STORE_DIR", str(folder))
    return folder


@pytest.fixture
def export(tmp_path) -> Path:
    path = tmp_path / "training.json"
    path.write_bytes(demo_bytes(40))
    return path


def _same(a, b) -> None:
    assert (a.name, a.format, a.size_bytes, a.fingerprint) == (b.name, b.format, b.size_bytes, b.fingerprint)
    assert a.report == b.report and a.file_metadata == b.file_metadata and a.consultant_profile == b.consultant_profile
    assert a.key_provenance == b.key_provenance and a.pair_columns.emotions == b.pair_columns.emotions
    assert a.conversation_table.equals(b.conversation_table) and a.turn_table.equals(b.turn_table)
    assert list(a.iter_conversations()) == list(b.iter_conversations())


def test_the_second_load_reads_what_the_first_kept(stores, export, monkeypatch):
    first = load_dataset(export)
    [kept] = list(stores.iterdir())
    assert first.store.path.parent == kept
    assert {p.name for p in kept.iterdir()} >= {"conversations.arrow", "load.msgpack"}
    monkeypatch.setattr("services.dataset.loader._load", lambda *a, **k: pytest.fail("the file was read again"))
    again = load_dataset(export)
    assert again.store.path == first.store.path
    _same(again, first)
    keys = again.columns.persona_key
    assert isinstance(again.columns.turns, np.ndarray)
    assert len({id(k) for k in keys}) == len(set(keys))  # a label read back is one string object


def test_what_the_load_depends_on_makes_a_new_one(stores, export):
    load_dataset(export)
    load_dataset(export, name="another name")  # findings name the file
    load_dataset(export, edge_case_arcs={"shame_to_acceptance"})  # the tier column
    names = ScaffoldingNames.from_rows({"persona": [("marcus_chen", ["Marcus"])]})
    load_dataset(export, scaffolding_names=names)
    assert len(list(stores.iterdir())) == load_cache.KEEP  # four loads, the three newest kept
    export.write_bytes(export.read_bytes().replace(b'"turn_number": 1,', b'"turn_number": 1 ,', 1))  # same size + 1
    changed = load_dataset(export)
    assert changed.fingerprint == load_dataset(export.read_bytes(), "training.json").fingerprint
    stat = export.stat()
    os.utime(export, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))  # touched: loaded again, same facts
    touched = load_dataset(export)
    assert touched.store.path != changed.store.path
    _same(touched, changed)


def test_a_broken_or_vanished_load_is_loaded_again(stores, export):
    first = load_dataset(export)
    (first.store.path.parent / "load.msgpack").write_bytes(b"\x00 not msgpack")
    again = load_dataset(export)
    _same(again, first)
    for path in list(again.store.path.parent.iterdir()):
        path.unlink()  # another process pruned it
    _same(load_dataset(export), first)


def test_uploads_are_kept_by_their_bytes(stores):
    data = demo_bytes(12)
    first = load_dataset(data, "upload.json")
    again = load_dataset(bytes(data), "upload.json")
    assert again.store.path == first.store.path
    other = load_dataset(data.replace(b"Marcus", b"Markus", 1), "upload.json")
    assert other.store.path != first.store.path


def test_rows_that_are_not_a_file_leave_nothing_behind(stores):
    from services.dataset.loader import load_enriched_files

    ds = load_dataset(demo_bytes(3), "x.json")
    files = [(c.conversation_metadata.conversation_id, "e.json", _enriched(c)) for c in ds.iter_conversations()]
    before = set(stores.iterdir())
    enriched = load_enriched_files(files, "rows")
    assert len(enriched) == 3 and set(stores.iterdir()) == before  # mapped, its folder already gone
    assert next(enriched.iter_conversations()).training_pairs


def _enriched(conv) -> bytes:
    import msgspec

    s = conv.conversation_metadata.scaffolding
    return msgspec.json.encode({
        "dataset_metadata": {"dataset_name": f"fp_conversation_{conv.conversation_metadata.conversation_id}"},
        "input_parameters": {"persona_key": s.persona_key, "emotional_arc_key": s.emotional_arc_key,
                             "training_topic_key": s.training_topic_key},
        "training_pairs": [msgspec.json.decode(msgspec.json.encode(p)) for p in conv.training_pairs]})


def test_a_store_folder_that_cannot_be_written_still_loads(tmp_path, monkeypatch, export):
    """A read-only checkout (or a mistyped `STUDIO_STORE_DIR`): the load goes to the system's temporary
    folder, kept nowhere, and search works the same."""
    from services.dataset.search import TextIndex

    blocked = tmp_path / "a file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("STUDIO_STORE_DIR", str(blocked / "stores"))
    ds = load_dataset(export)
    assert len(ds) == 40 and next(ds.iter_conversations()).training_pairs
    assert not ds.store.path.exists()  # mapped, its folder already gone: nothing left in /tmp
    assert sum(TextIndex(ds).matches("the")) > 0


def test_a_disk_that_fails_mid_load_is_said_in_words(stores, export, monkeypatch):
    from services.dataset import store
    from services.dataset.report import LoadError

    def full(self, conversations):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(store.StoreWriter, "add", full)
    with pytest.raises(LoadError, match="could not be read or written: No space left on device"):
        load_dataset(export)
    assert not [p for p in stores.iterdir()]  # nothing half-written left behind
