"""A training file's conversations one at a time, read through a window: the file is never held whole.

A `training.json` is one JSON object (`training_file_metadata`, `consultant_profile`, `conversations[]`),
and no JSON library hands out one value of a 20 GB document at a time at the speed of a whole-file
decode (ijson builds Python dicts; msgspec and orjson decode whole documents). But msgspec tells where
a value ends: decoding a buffer that holds one value and more raises "trailing characters (byte N)".
So each value is *skipped* by msgspec's own parser (as `Raw`: validated, nothing built, at gigabytes a
second), which gives its end, and only the few bytes between values (keys, colons, commas) are read
here. The conversations' bytes then go to the typed decode (`services.dataset.decode`).

The walk follows the plain shape only. Anything else — another top level, a conversation that is not an
object, a stray byte between values, a truncated or broken file — raises `NotStreamable`, and the loader
reads that file whole instead, which also words the error exactly as it always has.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from io import BufferedIOBase

import msgspec

WINDOW = 8 << 20  # bytes read at a time; the buffer grows only for a value larger than it
_TRAILING = re.compile(r"trailing characters \(byte (\d+)\)")
_AT_BYTE = re.compile(r"\(byte (\d+)\)")
_CUT = 64  # an error this close to the window's end may be the window's doing: read on before judging
_WS = b" \t\r\n"  # JSON's whitespace (RFC 8259 §2), no more
_SIDE_BLOCKS = ("training_file_metadata", "consultant_profile")


class NotStreamable(Exception):  # noqa: N818  # a route, not an error: the caller reads the file whole
    """The file is not a training file of the plain shape (or is broken): read it whole instead."""


@dataclass
class SideBlocks:
    """The file's two blocks beside its conversations, as raw JSON (None: absent), known once the walk ends."""

    training_file_metadata: msgspec.Raw | None = None
    consultant_profile: msgspec.Raw | None = None


class _Window:
    """The file from offset `base` on, as far as read: `buf[:filled]`. Bytes before `pos` are consumed."""

    def __init__(self, handle: BufferedIOBase, start: int, size: int) -> None:
        self.handle, self.size = handle, size
        handle.seek(start)
        self.buf = bytearray(2 * size)  # read into, not reallocated: fresh pages cost more than the parse
        self.filled, self.base, self.pos = 0, start, 0
        self.eof = False

    def more(self) -> bool:
        """Read the next window (moving what is not consumed to the front); False at the end of the file."""
        if self.eof:
            return False
        keep = self.filled - self.pos
        if keep + self.size > len(self.buf):
            self.buf = self.buf + bytearray(len(self.buf))  # a value larger than the window
        self.buf[:keep] = self.buf[self.pos:self.filled]
        self.base, self.pos, self.filled = self.base + self.pos, 0, keep
        with memoryview(self.buf) as view:
            got = self.handle.readinto(view[keep:keep + self.size])
        self.filled += got or 0
        self.eof = not got
        return bool(got)

    def next_char(self) -> int:
        """The next byte that is not whitespace (consumed up to it, not past it); -1 at the end."""
        while True:
            at = self.pos
            while at < self.filled and self.buf[at] in _WS:
                at += 1
            self.pos = at
            if at < self.filled:
                return self.buf[at]
            if not self.more():
                return -1

    def expect(self, char: bytes) -> None:
        if self.next_char() != char[0]:
            raise NotStreamable(f"not the plain shape at byte {self.base + self.pos}")
        self.pos += 1

    def another(self, closer: bytes) -> bool:
        """After a member or an element: True at a comma (another follows), False at `closer` (consumed)."""
        char = self.next_char()
        self.pos += 1
        if char in (ord(","), closer[0]):
            return char == ord(",")
        raise NotStreamable(f"not the plain shape at byte {self.base + self.pos - 1}")

    def value(self) -> tuple[int, bytes]:
        """The JSON value starting here (offset in the file, its bytes), consumed."""
        self.next_char()
        while True:
            with memoryview(self.buf) as view, view[self.pos:self.filled] as rest:
                try:
                    msgspec.json.decode(rest, type=msgspec.Raw)
                    end = self.filled if self.eof else -1  # the value runs to the end of what is read
                except msgspec.DecodeError as exc:
                    end = self._end(str(exc))
            if end >= 0:
                raw = bytes(self.buf[self.pos:end]).rstrip(_WS)
                offset = self.base + self.pos
                self.pos = end
                return offset, raw
            if not self.more():
                raise NotStreamable("the file ends inside a value")

    def _end(self, message: str) -> int:
        """Where the value ends, from msgspec's error; -1 when more of the file is needed (the value is cut
        by the window's end: msgspec says "truncated", or stumbles on a number or escape cut short)."""
        if (match := _TRAILING.search(message)) is not None:
            return self.pos + int(match.group(1)) - 1  # msgspec counts the offending byte from 1
        at = _AT_BYTE.search(message)
        if not self.eof and (at is None or self.pos + int(at.group(1)) >= self.filled - _CUT):
            return -1
        raise NotStreamable(message)


class TrainingFileReader:
    """The conversations of a plain training file, in file order, with their byte offsets."""

    def __init__(self, handle: BufferedIOBase, start: int = 0, window: int = WINDOW) -> None:
        self._handle = handle
        self._start = start  # past a byte-order mark
        self._window = window
        self.side = SideBlocks()

    def conversations(self) -> Iterator[tuple[int, bytes]]:
        """(offset in the file, the conversation's JSON) for each conversation; NotStreamable off the plain shape.
        The side blocks are in `side` once the iteration ends."""
        w = _Window(self._handle, self._start, self._window)
        w.expect(b"{")
        seen: set[str] = set()
        if w.next_char() == ord("}"):
            raise NotStreamable("an empty document")
        while True:
            key = self._key(w)
            if key in seen:
                raise NotStreamable(f"{key} twice")
            seen.add(key)
            w.expect(b":")
            if key == "conversations" and w.next_char() == ord("["):
                w.pos += 1
                yield from self._array(w)
            else:
                _, raw = w.value()
                self._keep_block(key, raw)
            if not w.another(b"}"):
                break
        if w.next_char() != -1:
            raise NotStreamable("bytes after the document")
        if "conversations" not in seen:
            raise NotStreamable("no conversations array")

    @staticmethod
    def _array(w: _Window) -> Iterator[tuple[int, bytes]]:
        if w.next_char() == ord("]"):
            w.pos += 1
            return
        while True:
            if w.next_char() != ord("{"):
                raise NotStreamable(f"a conversation that is not an object at byte {w.base + w.pos}")
            yield w.value()
            if not w.another(b"]"):
                return

    @staticmethod
    def _key(w: _Window) -> str:
        if w.next_char() != ord('"'):
            raise NotStreamable(f"not a key at byte {w.base + w.pos}")
        _, raw = w.value()
        try:
            return msgspec.json.decode(raw, type=str)
        except (msgspec.DecodeError, UnicodeDecodeError):
            raise NotStreamable("a key that is not text") from None

    def _keep_block(self, key: str, raw: bytes) -> None:
        """A side block's JSON, checked whole (the decoders trust a Raw they are given); other members skipped."""
        try:
            msgspec.json.decode(raw)
        except (msgspec.DecodeError, UnicodeDecodeError):
            raise NotStreamable(f"{key} is not JSON") from None
        if key == "conversations" or (key in _SIDE_BLOCKS and not raw.startswith(b"{")):
            raise NotStreamable(f"{key} is not of the plain shape")
        if key in _SIDE_BLOCKS:
            setattr(self.side, key, msgspec.Raw(raw))
