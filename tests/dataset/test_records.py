"""The windowed scan of a training file (`services.dataset.records`): the same conversations, byte for
byte, as msgspec's whole-document decode, whatever the window; anything off the plain shape is handed back."""

from __future__ import annotations

import io

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.dataset.records import NotStreamable, TrainingFileReader
from services.dataset.schema import TrainingFileRaw


def _scan(data: bytes, window: int) -> tuple[list[bytes], TrainingFileReader]:
    reader = TrainingFileReader(io.BytesIO(data), window=window)
    return [raw for _, raw in reader.conversations()], reader


def _whole(data: bytes) -> tuple[list[bytes], bytes | None, bytes | None]:
    doc = msgspec.json.decode(data, type=TrainingFileRaw)
    side = (doc.training_file_metadata, doc.consultant_profile)
    return [bytes(c) for c in doc.conversations], *(None if s is None else bytes(s) for s in side)  # type: ignore[return-value]


TRICKY = (b'{"training_file_metadata": {"q": {"r": [1, "}"]}}, "conversations": [{"a": "x}]\\\\\\"{"},\n'
          b'  {"b": [1, {"c": "\\\\"}]}], "consultant_profile": {"n": "\\\\\\\\"}, "x": [1, 2]}')


@pytest.mark.parametrize("window", [1, 2, 3, 7, 64, 1 << 20])
def test_braces_in_strings_escapes_and_any_window(window):
    got, reader = _scan(TRICKY, window)
    conversations, metadata, profile = _whole(TRICKY)
    assert got == conversations and len(got) == 2
    assert bytes(reader.side.training_file_metadata) == metadata
    assert bytes(reader.side.consultant_profile) == profile


@pytest.mark.parametrize("data", [
    b'{"conversations": [{}, null]}', b'{"conversations": [null, {}]}', b'{"conversations": [{}],}',
    b'{"conversations": [{},]}', b'{"conversations": [{}]} x', b'{"conversations": [{} {}]}',
    b'{"consultant_profile": null, "conversations": [{}]}', b'{"conversations": [{"a": 1}',
    b'{"conversations": {"a": {}}}', b'{"conversations": [[{}]]}', b'[{"conversations": []}]',
    b'{"conversations": [{}], "conversations": [{}]}', b'{"other": [{}]}', b'{"conversations": [{"a": "}]',
])
def test_anything_off_the_plain_shape_is_handed_back(data):
    with pytest.raises(NotStreamable):
        _scan(data, 5)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.dictionaries(st.text(max_size=5), st.one_of(st.text(alphabet='{}[]"\\ ab,:', max_size=12),
                                                               st.integers(), st.none()), max_size=3),
                min_size=1, max_size=5),
       st.booleans(), st.integers(min_value=1, max_value=40))
def test_fuzz_the_same_conversations_as_the_whole_decode(conversations, pretty, window):
    doc = {"training_file_metadata": {"n": len(conversations)}, "conversations": conversations}
    data = msgspec.json.encode(doc)
    if pretty:
        data = msgspec.json.format(data, indent=2)
    got, _ = _scan(data, window)
    assert got == _whole(data)[0]
