"""A training file's conversations one at a time, read through a window: the file is never held whole.

A `training.json` is one JSON object (`training_file_metadata`, `consultant_profile`, `conversations[]`),
and no JSON library reads one value of a 20 GB document at a time at the speed of a whole-file decode
(ijson builds Python dicts, msgspec and orjson need the whole document). So this module finds each
conversation's bytes itself, the way simdjson's stage 1 does: in each window, numpy finds the quotes
(dropping escaped ones), the brackets outside strings, and their depth; only the few brackets at the
top of the document (two per conversation) reach Python. msgspec then decodes each conversation from
its own bytes (`services.dataset.decode`).

The scan follows the plain shape only. Anything else — another top level, a conversation that is not an
object, a stray byte between conversations, a truncated file — raises `NotStreamable`, and the loader
reads that file whole instead, which also words the error exactly as it always has.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from io import BufferedIOBase

import msgspec
import numpy as np

WINDOW = 8 << 20  # bytes read at a time: the scan's arrays are a few times this, whatever the file
_QUOTE, _BACKSLASH = 0x22, 0x5C
_SIDE_BLOCKS = ("training_file_metadata", "consultant_profile")


class NotStreamable(Exception):  # noqa: N818  # a route, not an error: the caller reads the file whole
    """The file is not a training file of the plain shape (or is broken): read it whole instead."""


@dataclass
class SideBlocks:
    """The file's two blocks beside its conversations, as raw JSON (None: absent), known once the scan ends."""

    training_file_metadata: msgspec.Raw | None = None
    consultant_profile: msgspec.Raw | None = None


class _Scan:
    """Brace depth over the file, window by window, carrying the string state across windows. Braces
    alone: a conversation is an object, and what lies between the document's objects is short text
    that Python reads (`TrainingFileReader`)."""

    def __init__(self) -> None:
        self.in_string = False
        self.backslashes = 0  # the run of backslashes that ends the bytes scanned so far
        self.depth = 0

    def events(self, window: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(positions, depth after) of the braces outside strings in `window` that open an object at depth
        ≤ 2 or close one back to depth ≤ 1 (the document and its objects: the conversations, the side blocks)."""
        quotes = np.flatnonzero(window == _QUOTE)
        if len(quotes):
            quotes = quotes[self._unescaped(window, quotes)]
        braces = np.flatnonzero((window == 0x7B) | (window == 0x7D))
        braces = braces[(np.searchsorted(quotes, braces) + self.in_string) % 2 == 0]
        step = np.where(window[braces] == 0x7B, 1, -1)
        after = self.depth + np.cumsum(step)
        if len(after):
            self.depth = int(after[-1])
        self.in_string ^= bool(len(quotes) % 2)
        tail, end = 0, len(window)
        while tail < end and window[end - 1 - tail] == _BACKSLASH:
            tail += 1
        self.backslashes = tail + (self.backslashes if tail == end else 0)
        near_top = ((step > 0) & (after <= 2)) | ((step < 0) & (after <= 1))
        return braces[near_top], after[near_top]

    def _unescaped(self, window: np.ndarray, quotes: np.ndarray) -> np.ndarray:
        """Which quotes end or start a string: not preceded by an odd run of backslashes (rare: a loop)."""
        keep = np.ones(len(quotes), dtype=bool)
        suspects = np.flatnonzero(window[np.maximum(quotes - 1, 0)] == _BACKSLASH)
        if quotes[0] == 0 and self.backslashes % 2:
            suspects = np.union1d(suspects, [0])
        for i in suspects.tolist():
            at, run = int(quotes[i]) - 1, 0
            while at >= 0 and window[at] == _BACKSLASH:
                run, at = run + 1, at - 1
            if at < 0:
                run += self.backslashes
            keep[i] = run % 2 == 0
        return keep


_WS = b" \t\r\n"  # JSON's whitespace (RFC 8259 §2), no more
_ARRAY_OPENS = re.compile(rb'"((?:[^"\\]|\\.)*)"[ \t\r\n]*:[ \t\r\n]*\[[ \t\r\n]*$', re.S)
_MEMBER_OPENS = re.compile(rb'"((?:[^"\\]|\\.)*)"[ \t\r\n]*:[ \t\r\n]*$', re.S)
_ARRAY_ENDS = re.compile(rb'^[ \t\r\n]*\]', re.S)


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
        handle, scan = self._handle, _Scan()
        handle.seek(self._start)
        # `buf[:filled]` holds the file from offset `base` on, what is not consumed yet; it is read into,
        # not reallocated (fresh pages cost more than the scan), and grows only for an object larger than it.
        buf, filled, base = bytearray(2 * self._window), 0, self._start
        scanned = region = 0  # bytes of `buf` scanned; where the text since the last top-level brace starts
        opened = -1  # where the object being read starts (-1: none)
        skeleton: list[bytes] = []  # the document with each of its objects replaced by 0: checked as JSON
        state, key, arrays, count = "before", "", 0, 0
        while True:
            keep = opened if opened >= 0 else region
            if filled - keep + self._window > len(buf):
                buf = buf + bytearray(len(buf))  # no view into it is alive between windows
            buf[:filled - keep] = buf[keep:filled]
            filled, base = filled - keep, base + keep
            scanned, region, opened = scanned - keep, region - keep, opened - keep if opened >= 0 else -1
            with memoryview(buf) as view:
                got = handle.readinto(view[filled:filled + self._window])
            if not got:
                break
            filled += got
            window = np.frombuffer(buf, dtype=np.uint8, count=filled - scanned, offset=scanned)
            positions, depths = scan.events(window)
            del window
            for pos, depth in zip((positions + scanned).tolist(), depths.tolist(), strict=True):
                text = bytes(buf[region:pos])
                if depth == 1 and buf[pos] == 0x7B:  # the document opens
                    if state != "before" or text.strip(_WS):
                        raise NotStreamable(f"not one object at byte {base + pos}")
                    state = "top"
                elif depth == 2:  # one of the document's objects opens
                    if state == "array" and text.strip(_WS) == b",":
                        pass  # the next conversation
                    else:
                        after_array = 0
                        if state == "array":  # the array closed since the last conversation
                            if not (ended := _ARRAY_ENDS.match(text)):
                                raise NotStreamable(f"not a conversation at byte {base + pos}")
                            after_array = ended.end()
                        skeleton.append(text)
                        state, key = self._opening(text[after_array:], arrays)
                        arrays += state == "array"
                        skeleton.append(b"0")
                    opened = pos
                elif depth == 1:  # ... and closes
                    if state == "array":
                        yield base + opened, bytes(buf[opened:pos + 1])
                        count += 1
                    else:
                        self._keep_block(key, bytes(buf[opened:pos + 1]))
                        state = "top"
                    opened = -1
                else:  # the document closes
                    if state not in ("top", "array") or (state == "array" and not _ARRAY_ENDS.match(text)):
                        raise NotStreamable(f"not the document's end at byte {base + pos}")
                    skeleton.append(text)
                    state = "after"
                region = pos + 1
            scanned = filled
        if state != "after" or buf[region:filled].strip(_WS) or scan.in_string:
            raise NotStreamable("the document does not end where it should")
        try:
            members = msgspec.json.decode(b"{" + b"".join(skeleton) + b"}", type=dict[str, object])
        except (msgspec.DecodeError, UnicodeDecodeError):
            raise NotStreamable("the document's own members are not JSON") from None
        plain = isinstance(members.get("conversations"), list) and (count or members["conversations"] == [])
        if not plain or any(name in members and getattr(self.side, name) is None for name in _SIDE_BLOCKS):
            raise NotStreamable("no conversations array of objects, or a side block that is not an object")

    @staticmethod
    def _opening(text: bytes, arrays: int) -> tuple[str, str]:
        """What the document's text before an object says it is: the first conversation (`array`) or a
        member's value (`block`, with its key)."""
        if (match := _ARRAY_OPENS.search(text)) and _key(match.group(1)) == "conversations" and not arrays:
            return "array", "conversations"
        if match := _MEMBER_OPENS.search(text):
            return "block", _key(match.group(1))
        raise NotStreamable("an object that is not a member's value")

    def _keep_block(self, key: str, raw: bytes) -> None:
        """A side block's JSON (checked: the decoders trust a Raw they are given)."""
        if key not in _SIDE_BLOCKS:
            return
        try:
            msgspec.json.decode(raw)
        except (msgspec.DecodeError, UnicodeDecodeError):
            raise NotStreamable(f"{key} is not JSON") from None
        if getattr(self.side, key) is not None:
            raise NotStreamable(f"{key} twice")
        setattr(self.side, key, msgspec.Raw(raw))


def _key(raw: bytes) -> str:
    try:
        return msgspec.json.decode(b'"' + raw + b'"')
    except (msgspec.DecodeError, UnicodeDecodeError):
        return ""
