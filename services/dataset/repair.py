"""Typed decoding that costs a bad value, not the record that holds it.

msgspec stops at the first value that does not match the schema and names its path
(`$.training_pairs[3].emotional_context.detected_emotions.intensity`). When that value sits in
an optional field (or is one entry of a mapping), the record is still usable without it: this
module drops the value, notes where and why, and decodes again. Only a required field (an id, a
scaffolding key, a turn's number or text) or a list element of the wrong shape makes the record
unusable; the caller then drops the record with the reason.

This only runs after the fast whole-file decode failed, so its cost is paid by bad files alone.
"""

from __future__ import annotations

import json
import mmap
import re
import types
from dataclasses import dataclass, field
from typing import Annotated, Any, Union, get_args, get_origin

import msgspec

MAX_REPAIRS = 200  # per record: beyond this, the record is more damage than data
_SEGMENT = re.compile(r"\.([^.\[\]]+)|\[(\d+|\.\.\.)\]")


@dataclass(frozen=True)
class DroppedValue:
    """A value left out of a record: its path (relative to the record) and why."""

    path: str
    reason: str

    def at(self, record: str) -> str:
        """Where, for a finding: the record, and the field when there is one."""
        return f"{record}, field `{self.path}`" if self.path else record

    @property
    def pattern(self) -> str:
        """The path with list positions folded (`training_pairs[].intensity`): one finding per pattern."""
        return re.sub(r"\[\d+\]", "[]", self.path)


@dataclass
class Outcome:
    """A decoded record, or None and why (`failure`, read only then); and the values dropped to get it."""

    value: Any = None
    dropped: list[DroppedValue] = field(default_factory=list)
    failure: DroppedValue = field(default_factory=lambda: DroppedValue("", "unreadable"))


def split_error(error: msgspec.ValidationError) -> tuple[str, str]:
    """('Expected `int`, got `str`', 'training_pairs[3].turn_number') from a msgspec error."""
    reason, _, path = str(error).partition(" - at `")
    return reason, path.rstrip("`").removeprefix("$.").removeprefix("$")


def _segments(path: str) -> list[str | int]:
    """'a[3].b[...]' → ['a', 3, 'b', '...']."""
    out: list[str | int] = []
    for name, index in _SEGMENT.findall("." + path if path and path[0] != "[" else path):
        out.append(name if name else (int(index) if index.isdigit() else index))
    return out


def _unwrap(tp: Any) -> Any:
    """The container or Struct inside `Annotated[...]` / `X | None`."""
    while True:
        origin = get_origin(tp)
        if origin is Annotated:
            tp = get_args(tp)[0]
        elif origin in (Union, types.UnionType):
            members = [a for a in get_args(tp) if a is not type(None)]
            if len(members) != 1:
                return tp
            tp = members[0]
        else:
            return tp


def _deletable(root: type, segments: list[str | int]) -> tuple[bool, Any]:
    """Whether the value at `segments` may be dropped, and its declared type.

    Droppable: a struct field with a default, or one entry of a mapping. Not: a required field,
    a list element (the list's meaning depends on every element), or the record itself.
    """
    tp: Any = root
    for position, segment in enumerate(segments):
        last = position == len(segments) - 1
        tp = _unwrap(tp)
        if isinstance(segment, str) and segment != "..." and isinstance(tp, type) \
                and issubclass(tp, msgspec.Struct):
            info = {f.encode_name: f for f in msgspec.structs.fields(tp)}.get(segment)
            if info is None:
                return False, None
            if last:
                return not info.required, info.type
            tp = info.type
        elif get_origin(tp) is dict:
            if last:
                return True, get_args(tp)[1]
            tp = get_args(tp)[1]
        elif get_origin(tp) is list:
            if last:
                return False, None
            tp = get_args(tp)[0]
        else:
            return False, None
    return False, None


def _drop(tree: Any, segments: list[str | int], value_type: Any) -> list[str]:
    """Remove the value at `segments` from the generic `tree`; the dict keys removed, if a mapping's.

    msgspec names a bad mapping entry `[...]` without its key: every entry that does not convert
    to the value type goes.
    """
    parent = tree
    for segment in segments[:-1]:
        parent = parent[segment]
    last = segments[-1]
    if last == "...":
        bad = []
        for key, value in list(parent.items()):
            try:
                msgspec.convert(value, value_type)
            except msgspec.ValidationError:
                bad.append(str(key))
                del parent[key]
        return bad
    parent.pop(last, None)
    return []


def _generic(raw: bytes | msgspec.Raw | mmap.mmap) -> Any:
    """The record as plain Python values. msgspec refuses numbers beyond a double (1e999) even
    untyped; the standard library reads them as infinity, which the typed decode then refuses
    at the field's own path, like any other bad value."""
    try:
        return msgspec.json.decode(raw)
    except msgspec.ValidationError:
        return json.loads(bytes(raw))


def decode(raw: bytes | msgspec.Raw | mmap.mmap, record_type: type,
           decoder: msgspec.json.Decoder | None = None) -> Outcome:
    """Decode one record of `record_type`, dropping bad optional values (see the module docstring).

    `raw` must be valid JSON (a `Raw` view from an earlier decode, or a JSON line that parsed):
    only `ValidationError`s are handled here.
    """
    decoder = decoder or msgspec.json.Decoder(record_type)
    try:
        return Outcome(value=decoder.decode(raw))
    except msgspec.ValidationError as exc:
        error = exc
    outcome = Outcome()
    try:
        tree = _generic(raw)
    except ValueError as exc:  # msgspec.DecodeError and UnicodeDecodeError are ValueErrors
        outcome.failure = DroppedValue("", str(exc))
        return outcome
    for _ in range(MAX_REPAIRS):
        reason, path = split_error(error)
        segments = _segments(path)
        deletable, value_type = _deletable(record_type, segments) if segments else (False, None)
        if not deletable:
            outcome.failure = DroppedValue(path, reason)
            return outcome
        keys = _drop(tree, segments, value_type)
        if keys:
            base = path.removesuffix("[...]")
            outcome.dropped += [DroppedValue(f"{base}.{key}", reason) for key in keys]
        else:
            outcome.dropped.append(DroppedValue(path, reason))
        try:
            outcome.value = decoder.decode(msgspec.json.encode(tree))
            return outcome
        except msgspec.ValidationError as exc:
            error = exc
    outcome.failure = DroppedValue("", f"more than {MAX_REPAIRS} values of the wrong type or out of range")
    return outcome
