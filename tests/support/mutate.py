"""Seeded, bounded mutations of an export: what tools, people and broken transfers do to files.

Each mutant is (a description that replays it, the bytes). Structural mutations work on the
parsed document (set a field to another type or to an extreme value, delete it, empty a list);
byte mutations on the encoded file (flip, insert, delete, truncate); re-encodings and
reformattings change the bytes but not the content (compact, tabs, CRLF, BOM, escaped
non-ASCII, UTF-16). The same seed gives the same mutants, so any crash replays from its
description.
"""

from __future__ import annotations

import codecs
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import msgspec

# Values that stand where another type belongs, and values at the edges of their type.
ODD_VALUES: tuple[Any, ...] = (
    None, True, 0, -1, 1.5, 10**30, -(10**30), 1e308, "", "x", "3", "\u0000", "\U0001F600" * 3,
    [], [1], {}, {"a": 1}, [[[]]], "é" * 200,
)


@dataclass(frozen=True)
class Mutant:
    description: str
    data: bytes


def _paths(node: Any, prefix: tuple = ()) -> Iterator[tuple]:
    """Every path (tuple of keys / indices) into a parsed document."""
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, (*prefix, index))


def _copy(doc: Any) -> Any:
    """A deep copy of a parsed JSON document (a round trip through msgspec: ~10× `copy.deepcopy`)."""
    return msgspec.json.decode(msgspec.json.encode(doc))


def _pretty(doc: Any, indent: int = 2) -> bytes:
    return msgspec.json.format(msgspec.json.encode(doc), indent=indent)


def _get(node: Any, path: tuple) -> Any:
    for key in path:
        node = node[key]
    return node


def _structural(doc: Any, rng: random.Random, paths: list[tuple]) -> tuple[str, Any]:
    doc = _copy(doc)
    path = rng.choice(paths)
    if not path:
        return "replace the document", rng.choice(ODD_VALUES)
    parent = _get(doc, path[:-1])
    key = path[-1]
    kind = rng.choice(("set", "set", "set", "delete", "empty", "duplicate"))
    where = "/".join(map(str, path))
    if kind == "set":
        value = rng.choice(ODD_VALUES)
        parent[key] = _copy(value)
        return f"set {where} = {value!r:.40}", doc
    if kind == "delete":
        del parent[key]
        return f"delete {where}", doc
    if kind == "empty":
        current = parent[key]
        parent[key] = type(current)() if isinstance(current, (dict, list, str)) else None
        return f"empty {where}", doc
    current = parent[key]
    if isinstance(parent, list):
        parent.insert(key, _copy(current))
        return f"duplicate {where}", doc
    parent[key] = [_copy(current), _copy(current)]
    return f"set {where} to a list of itself twice", doc


def _bytes(data: bytes, rng: random.Random) -> tuple[str, bytes]:
    kind = rng.choice(("flip", "flip", "insert", "delete", "truncate", "splice"))
    at = rng.randrange(len(data))
    if kind == "flip":
        value = rng.randrange(256)
        return f"byte {at} = 0x{value:02x}", data[:at] + bytes([value]) + data[at + 1:]
    if kind == "insert":
        chunk = rng.choice((b"\\", b'"', b",", b"{", b"]", b"\x00", b"\xff", b"\\ud800", b"1e999", b"\r\n"))
        return f"insert {chunk!r} at {at}", data[:at] + chunk + data[at:]
    if kind == "delete":
        n = rng.randint(1, 16)
        return f"delete {n} bytes at {at}", data[:at] + data[at + n:]
    if kind == "truncate":
        return f"truncate at {at}", data[:at]
    other = rng.randrange(len(data))
    n = rng.randint(1, 64)
    return f"copy {n} bytes from {other} to {at}", data[:at] + data[other:other + n] + data[at:]


def _reformat(doc: Any, rng: random.Random) -> tuple[str, bytes]:
    kind = rng.choice(("compact", "tabs", "crlf", "bom", "ascii", "sorted", "trailing", "utf16", "utf32", "latin1"))
    if kind == "compact":
        return "compact", json.dumps(doc, separators=(",", ":"), ensure_ascii=False).encode()
    if kind == "tabs":
        return "tab-indented", json.dumps(doc, indent="\t", ensure_ascii=False).encode()
    if kind == "crlf":
        return "CRLF", _pretty(doc).replace(b"\n", b"\r\n")
    if kind == "bom":
        return "UTF-8 with BOM", codecs.BOM_UTF8 + _pretty(doc, indent=1)
    if kind == "ascii":
        return r"non-ASCII as \u escapes", json.dumps(doc, indent=2).encode()
    if kind == "sorted":
        return "sorted keys", json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False).encode()
    if kind == "trailing":
        return "trailing whitespace", _pretty(doc) + b" \r\n\t\n\n"
    text = _pretty(doc).decode()
    if kind == "utf16":
        return "UTF-16", text.encode("utf-16")
    if kind == "utf32":
        return "UTF-32-LE without BOM", text.encode("utf-32-le")
    return "Latin-1", text.encode("latin-1", errors="replace")


def mutants(doc: Any, count: int, seed: int, jsonl: bool = False) -> Iterator[Mutant]:
    """`count` mutants of `doc` (a parsed export; `jsonl`: a list of line objects)."""
    rng = random.Random(seed)
    encode = _jsonl if jsonl else _pretty
    base = encode(doc)
    paths = list(_paths(doc))
    for index in range(count):
        roll = rng.random()
        if roll < 0.55:
            steps = rng.choice((1, 1, 1, 2, 3))
            current, said = doc, []
            for _ in range(steps):
                what, current = _structural(current, rng, paths if current is doc else list(_paths(current)))
                said.append(what)
            try:
                data = encode(current)
            except TypeError:  # a JSONL document no longer a list
                data = msgspec.json.encode(current)
            yield Mutant(f"#{index}: " + "; ".join(said), data)
        elif roll < 0.85:
            steps = rng.choice((1, 1, 2))
            data, said = base, []
            for _ in range(steps):
                what, data = _bytes(data, rng) if data else ("empty", data)
                said.append(what)
            yield Mutant(f"#{index}: " + "; ".join(said), data)
        else:
            if jsonl:
                yield Mutant(f"#{index}: CRLF lines", base.replace(b"\n", b"\r\n"))
            else:
                what, data = _reformat(doc, rng)
                yield Mutant(f"#{index}: {what}", data)


def _jsonl(lines: Any) -> bytes:
    return b"\n".join(msgspec.json.encode(line) for line in lines) + b"\n"
