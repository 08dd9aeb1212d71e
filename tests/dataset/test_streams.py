"""Which way a file is read (`services.dataset.loader`): a plain training file and a JSONL whose lines come
together are streamed; anything else is read whole, with the same result a stream would give."""

from __future__ import annotations

import msgspec
import pytest

from services.dataset import decode, loader
from services.dataset.loader import load_dataset
from services.dataset.records import NotStreamable
from services.demo.generator import demo_bytes, generate, to_jsonl_bytes


def _whole_only(monkeypatch) -> None:
    def refuse(*args, **kwargs):
        raise NotStreamable("as if off the plain shape")
    monkeypatch.setattr(loader, "TrainingFileStream", refuse)
    monkeypatch.setattr(loader, "JsonlStream", refuse)


def _streamed_only(monkeypatch) -> None:
    def refuse(*args, **kwargs):
        raise AssertionError("read whole")
    monkeypatch.setattr(loader, "_decode", refuse)


def _summary(ds) -> tuple:
    return (len(ds), ds.fingerprint, [(f.code, f.count, f.where) for f in ds.report.findings],
            ds.conversation_table.to_dict("list"))


def test_a_plain_training_file_is_streamed(monkeypatch):
    _streamed_only(monkeypatch)
    assert len(load_dataset(demo_bytes(8), "t.json")) == 8


def test_jsonl_with_its_lines_together_is_streamed_and_scattered_lines_are_regrouped(monkeypatch):
    data = to_jsonl_bytes(generate(6))
    with monkeypatch.context() as m:
        _streamed_only(m)
        streamed = load_dataset(data, "t.jsonl")
    meta, *lines = data.splitlines()
    scattered = b"\n".join([meta, *lines[1::2], *lines[0::2]]) + b"\n"  # every conversation's lines apart
    with pytest.raises(AssertionError, match="read whole"), monkeypatch.context() as m:
        _streamed_only(m)
        load_dataset(scattered, "t.jsonl")
    regrouped = load_dataset(scattered, "t.jsonl")
    assert sorted(regrouped.columns.conversation_id) == sorted(streamed.columns.conversation_id)
    assert regrouped.columns.pairs.sum() == streamed.columns.pairs.sum()


@pytest.mark.parametrize("edit", [
    lambda doc: doc.update(consultant_profile=None),  # a side block that is not an object
    lambda doc: doc["conversations"].insert(1, None),  # a conversation that is not an object
    lambda doc: doc["conversations"].append(7),  # a number where a conversation should be: dropped, located
])
def test_off_the_plain_shape_the_file_is_read_whole_with_the_same_result(monkeypatch, edit):
    doc = msgspec.json.decode(demo_bytes(5))
    edit(doc)
    data = msgspec.json.encode(doc)
    with monkeypatch.context() as m:
        _streamed_only(m)
        with pytest.raises(AssertionError, match="read whole"):
            load_dataset(data, "t.json")
    whole = load_dataset(data, "t.json")
    assert len(whole) == 5


def test_the_stream_and_the_whole_read_agree_on_a_plain_file(monkeypatch):
    data = msgspec.json.encode(msgspec.json.decode(demo_bytes(7)))  # compact, one line
    streamed = load_dataset(data, "t.json")
    with monkeypatch.context() as m:
        _whole_only(m)
        monkeypatch.setenv("STUDIO_STORE_DIR", str(loader.load_cache.store_dir() / "whole"))
        whole = load_dataset(data, "t.json")
    assert _summary(streamed) == _summary(whole)
    assert decode.TrainingFileStream is not None
