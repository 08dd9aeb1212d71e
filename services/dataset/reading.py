"""Bytes in: a path, raw bytes or an upload → a buffer the decoders can read, or a located refusal.

Exports reach the studio from many tools, so every valid JSON encoding must read: compact or
pretty, CRLF, tabs, trailing whitespace, a UTF-8 byte-order mark. JSON on the wire is UTF-8
(RFC 8259 §8.1); a file in UTF-16, UTF-32 or a legacy code page is refused in one line that names
the encoding, so the user knows what to re-save, instead of a decode error at byte 1.
"""

from __future__ import annotations

import codecs
import mmap
import re
from pathlib import Path
from typing import IO

import msgspec

from services.dataset.report import LoadError

Buffer = bytes | mmap.mmap

_BOM_UTF8 = codecs.BOM_UTF8
# Longest first: the UTF-32 LE mark begins with the UTF-16 LE one.
_OTHER_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "UTF-32 (little-endian)"),
    (codecs.BOM_UTF32_BE, "UTF-32 (big-endian)"),
    (codecs.BOM_UTF16_LE, "UTF-16 (little-endian)"),
    (codecs.BOM_UTF16_BE, "UTF-16 (big-endian)"),
)
_BYTE_AT = re.compile(r"\(byte (\d+)\)")
# A \uD800–\uDBFF escape not followed by a \uDC00–\uDFFF one, or a low one alone: JSON text
# cannot hold half a character, and msgspec reports it as input "truncated", without a place.
_LONE_SURROGATE = re.compile(rb"(?<!\\)(?:\\\\)*\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})"
                             rb"|(?<![0-9a-fA-F]{2}\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}")
_SAVE_AS_UTF8 = "save it as UTF-8 (JSON files are UTF-8) and try again"


def _map_file(path: Path) -> Buffer:
    """The file's bytes, memory-mapped read-only (no copy); plain bytes where mapping fails.

    The map only lives for the load: `columns.extract` copies out what outlives it, so a file that is
    rewritten later cannot change (or crash) a loaded dataset.
    """
    with path.open("rb") as handle:
        try:
            return mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        except (ValueError, OSError):  # empty file, or not a regular file
            return handle.read()


def read_source(source: str | Path | bytes | IO[bytes], name: str | None = None) -> tuple[Buffer, str]:
    """Bytes and a display name from a path, raw bytes or a file-like (e.g. an UploadedFile)."""
    if isinstance(source, (str, Path)):
        path = Path(source)
        try:
            return _map_file(path), name or path.name
        except FileNotFoundError:
            raise LoadError("file_not_found", "no such file", str(path)) from None
        except IsADirectoryError:
            raise LoadError("file_not_found", "this is a folder, not an export file", str(path)) from None
        except PermissionError:
            raise LoadError("file_not_readable", "permission denied", str(path)) from None
        except OSError as exc:
            raise LoadError("file_not_readable", exc.strerror or "cannot be read", str(path)) from None
    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(source), name or "uploaded file"
    getvalue = getattr(source, "getvalue", None)
    data = getvalue() if callable(getvalue) else source.read()
    return bytes(data), name or getattr(source, "name", None) or "uploaded file"


def _other_encoding(head: bytes) -> str | None:
    """The name of a non-UTF-8 Unicode encoding `head` is written in, if it shows."""
    for bom, label in _OTHER_BOMS:
        if head.startswith(bom):
            return label
    # No mark: JSON text starts with ASCII ('{', '[', whitespace), so NUL bytes beside the first
    # characters give the width and the byte order away (the pattern of RFC 4627 §3).
    if len(head) < 4 or 0 not in head[:4]:
        return None
    pattern: tuple[bool, bool, bool, bool] = (head[0] == 0, head[1] == 0, head[2] == 0, head[3] == 0)
    return {
        (True, True, True, False): "UTF-32 (big-endian)",
        (False, True, True, True): "UTF-32 (little-endian)",
        (True, False, True, False): "UTF-16 (big-endian)",
        (False, True, False, True): "UTF-16 (little-endian)",
    }.get(pattern)


def check_readable(data: Buffer, name: str) -> Buffer:
    """`data` without a UTF-8 byte-order mark; LoadError if empty or in another encoding."""
    head = data[:4096]
    if not head.strip() and (len(data) <= len(head) or not data[:].strip()):
        raise LoadError("empty_file", "the file is empty", name)
    encoding = _other_encoding(head)
    if encoding:
        raise LoadError("not_utf8", f"the file is {encoding} text, not UTF-8: {_SAVE_AS_UTF8}", name)
    if head.startswith(_BOM_UTF8):
        data = data[len(_BOM_UTF8):]  # a copy, but only for files saved with a byte-order mark
    return data


def location(data: Buffer, offset: int, name: str) -> str:
    """'name, line L, column C near «excerpt»' for a byte offset into `data` (error path only)."""
    offset = max(0, min(offset, len(data)))
    line = data[:offset].count(b"\n") + 1
    line_start = data.rfind(b"\n", 0, offset) + 1
    line_end = data.find(b"\n", offset)
    line_end = len(data) if line_end < 0 else line_end
    column = len(data[line_start:offset].decode("utf-8", errors="replace")) + 1
    lo = max(line_start, offset - 30)
    excerpt = data[lo:min(line_end, offset + 30)].decode("utf-8", errors="replace").strip()
    excerpt = "".join(c if c.isprintable() else "�" for c in excerpt)  # one line, whatever the bytes
    where = f"{name}, line {line}, column {column}"
    return f"{where} near «{excerpt}»" if excerpt else where


def json_error(data: Buffer, name: str, error: msgspec.DecodeError, base_offset: int = 0,
               end: int | None = None) -> LoadError:
    """Locate a decode error; `base_offset`/`end` delimit the decoded part (a JSONL line)."""
    text = str(error)
    if isinstance(error, msgspec.ValidationError):  # a number JSON allows but no machine holds (1e999)
        reason, _, path = text.partition(" - at `")
        field = path.rstrip("`").removeprefix("$.").removeprefix("$")
        return LoadError("invalid_json", f"not usable JSON: {reason.lower()}",
                         f"{name}, field `{field}`" if field else name)
    match = _BYTE_AT.search(text)
    offset = base_offset + int(match.group(1)) if match else (len(data) if end is None else end)
    reason = text.split(" (byte")[0].removeprefix("JSON is malformed: ")
    lone = None if match else _LONE_SURROGATE.search(data, base_offset, len(data) if end is None else end)
    if lone is not None:
        escape = lone.group().lstrip(b"\\").decode()
        return LoadError("invalid_json", f"not valid JSON: the escape \\{escape} is half a UTF-16 surrogate pair, "
                                         "not a character", location(data, lone.end() - 6, name))
    if not match:  # msgspec says "Input data was truncated" (also for an unpaired \\ud800 escape)
        reason = "the file ends before the JSON is complete (truncated, or a string or escape left open)"
    return LoadError("invalid_json", f"not valid JSON: {reason}", location(data, offset, name))


def _first_bad_utf8(data: bytes, encoding: str = "utf-8") -> int | None:
    """The offset of the first byte that `encoding` cannot decode, or None if all of it decodes."""
    try:
        data.decode(encoding)
    except UnicodeDecodeError as exc:
        return exc.start
    return None


def utf8_error(data: Buffer, name: str, base_offset: int = 0, end: int | None = None) -> LoadError:
    """The first byte of `data[base_offset:end]` that is not UTF-8, located in `data`, with a hint
    at the likely encoding."""
    part = data[base_offset:end]
    at = _first_bad_utf8(part)
    if at is None:
        return LoadError("not_utf8", "not UTF-8 text", name)
    legacy = _first_bad_utf8(part, "cp1252") is None
    hint = "; it looks like Windows-1252 or Latin-1: " + _SAVE_AS_UTF8 if legacy else ""
    return LoadError("not_utf8", f"not UTF-8 text (byte 0x{part[at]:02x} cannot start a character){hint}",
                     location(data, base_offset + at, name))


def as_load_error(exc: Exception, data: Buffer, name: str, base_offset: int = 0, end: int | None = None) -> LoadError:
    """A decode failure (msgspec's or the UTF-8 codec's) as the loader's located error; `base_offset`
    and `end` delimit the decoded part of `data` (a JSONL line). A LoadError stays as it is."""
    if isinstance(exc, LoadError):
        return exc
    if isinstance(exc, msgspec.DecodeError):
        return json_error(data, name, exc, base_offset, end)
    return utf8_error(data, name, base_offset, end)
