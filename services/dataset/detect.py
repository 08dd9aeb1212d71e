"""Which of the three export shapes a buffer holds, cheaply, whatever its formatting.

A full decode just to look at the top-level keys would double the cost of a load; instead the
JSON Lines variant is told by its first line (a complete object with more lines after it), and
the two single-document shapes by which of their list keys comes first as a JSON string
(`"conversations"` or `"training_pairs"`: a match cannot be inside another string, where the
quotes would be escaped). Compact, pretty, CRLF or tab-indented files look the same to both
tests. The typed decode that follows checks the shape for real; when it disagrees,
`shape_from_keys` decides from a full parse (the error path only).
"""

from __future__ import annotations

import re
from typing import Literal

import msgspec

from services.dataset.reading import Buffer, as_load_error, check_readable
from services.dataset.report import LoadError

FileFormat = Literal["training_file", "jsonl", "enriched"]
FORMAT_LABELS: dict[str, str] = {
    "training_file": "full training file (training.json)",
    "jsonl": "JSONL training file (training.jsonl)",
    "enriched": "enriched conversation file (enriched.json)",
}
_EXPECTED = ("expected a training file (training_file_metadata + conversations), a training.jsonl "
             "or an enriched conversation file (dataset_metadata + training_pairs)")
_NON_SPACE = re.compile(rb"[^ \t\r\n]")  # JSON's whitespace (RFC 8259 §2)
_PAIR_KEYS = frozenset({"_meta", "turn_number", "current_user_input"})


def _jsonl_first_line(data: Buffer) -> dict | None:
    """The first line as an object, if it is a complete JSON object with more lines after it.

    Looks only at the first line and the first byte of the rest: a compact file of hundreds of
    MB on one line is never copied or parsed here.
    """
    match = _NON_SPACE.search(data)
    if match is None:
        return None
    start = match.start()
    end = data.find(b"\n", start)
    if end < 0 or _NON_SPACE.search(data, end) is None:
        return None  # one line only: a single document
    line = data[start:end].strip()
    if not (line.startswith(b"{") and line.endswith(b"}")):
        return None
    try:
        value = msgspec.json.decode(line)
    except (msgspec.DecodeError, UnicodeDecodeError):  # ValidationError included
        return None
    return value if isinstance(value, dict) else None


def detect_format(data: Buffer, name: str = "file") -> FileFormat:
    """Which of the three export shapes `data` is (raises LoadError if none)."""
    data = check_readable(data, name)
    first = _jsonl_first_line(data)
    if first is not None and not ({"conversations", "training_pairs"} & first.keys()):
        return "jsonl"  # a complete object on the first line, and more lines: JSON Lines
    conversations_at = data.find(b'"conversations"')
    pairs_at = data.find(b'"training_pairs"')
    if conversations_at >= 0 and (pairs_at < 0 or conversations_at < pairs_at):
        return "training_file"
    if pairs_at >= 0:
        return "enriched"
    return shape_from_keys(data, name)


def shape_from_keys(data: Buffer, name: str) -> FileFormat:
    """The shape from the parsed top level (error path: costs a full generic decode)."""
    try:
        top = msgspec.json.decode(data)
    except (msgspec.DecodeError, UnicodeDecodeError) as exc:
        raise as_load_error(exc, data, name) from None
    if isinstance(top, dict):
        if "conversations" in top:
            return "training_file"
        if "training_pairs" in top:
            return "enriched"
        if _PAIR_KEYS & top.keys():
            return "jsonl"  # a JSON Lines file of one line
        keys = ", ".join(sorted(top)[:6]) or "no keys"
        raise LoadError("wrong_shape", f"{_EXPECTED}; found an object with {keys}", name)
    kind = {list: "array", str: "string", bool: "boolean", type(None): "null"}.get(type(top), "number")
    raise LoadError("wrong_shape", f"{_EXPECTED}; found a JSON {kind}", name)
