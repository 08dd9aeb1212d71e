"""Read an export (path, bytes or uploaded file) into a validated `LoadedDataset`.

Speed matters (real exports reach hundreds of MB), so the happy path is one typed msgspec
decode of the whole file that materialises only the fields the studio uses. Only when that
decode rejects something does the loader fall back to decoding conversation by conversation,
so that one bad conversation costs that conversation, not the file. Anything that makes the
whole file unreadable raises `LoadError` with a located one-line message.
"""

from __future__ import annotations

import gc
import hashlib
import mmap
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import IO, Any, Literal

import msgspec
import pandas as pd

from services import columns, schema, validation
from services.report import LoadError, ValidationReport
from services.tables import DEFAULT_EDGE_CASE_ARCS, build_tables

FileFormat = Literal["training_file", "jsonl", "enriched"]
FORMAT_LABELS: dict[str, str] = {
    "training_file": "full training file (training.json)",
    "jsonl": "JSONL training file (training.jsonl)",
    "enriched": "enriched conversation file (enriched.json)",
}
_BOM = b"\xef\xbb\xbf"
_BYTE_AT = re.compile(r"\(byte (\d+)\)")


@dataclass(frozen=True)
class LoadedDataset:
    """Everything the pages and services need about one export. Treat as read-only."""

    name: str
    format: FileFormat
    size_bytes: int
    conversations: list[schema.Conversation]
    report: ValidationReport
    file_metadata: dict[str, Any] | None = None
    consultant_profile: dict[str, Any] | None = None
    edge_case_arcs: frozenset[str] = DEFAULT_EDGE_CASE_ARCS
    _tables: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)

    @property
    def conversation_table(self) -> pd.DataFrame:
        """One row per conversation (see `services.tables`)."""
        return self._tables["conversations"]

    @property
    def turn_table(self) -> pd.DataFrame:
        """One row per turn (training pair)."""
        return self._tables["turns"]

    @cached_property
    def by_id(self) -> dict[str, schema.Conversation]:
        return {c.conversation_metadata.conversation_id: c for c in self.conversations}

    @cached_property
    def fingerprint(self) -> str:
        """sha256 of the loaded content (canonical encoding, independent of the file's layout):
        what a release manifest records to say which data it came from."""
        return hashlib.sha256(msgspec.json.encode(self.conversations)).hexdigest()


# --- reading -------------------------------------------------------------------------------
Buffer = bytes | mmap.mmap


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
    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(source), name or "uploaded file"
    getvalue = getattr(source, "getvalue", None)
    data = getvalue() if callable(getvalue) else source.read()
    return bytes(data), name or getattr(source, "name", None) or "uploaded file"


def _location(data: Buffer, offset: int, name: str) -> str:
    """'name, line L, column C near «excerpt»' for a byte offset into `data` (error path only)."""
    offset = max(0, min(offset, len(data)))
    line = data[:offset].count(b"\n") + 1
    line_start = data.rfind(b"\n", 0, offset) + 1
    line_end = data.find(b"\n", offset)
    line_end = len(data) if line_end < 0 else line_end
    column = len(data[line_start:offset].decode("utf-8", errors="replace")) + 1
    lo = max(line_start, offset - 30)
    excerpt = data[lo:min(line_end, offset + 30)].decode("utf-8", errors="replace").strip()
    where = f"{name}, line {line}, column {column}"
    return f"{where} near «{excerpt}»" if excerpt else where


def _json_error(data: Buffer, name: str, error: msgspec.DecodeError, base_offset: int = 0,
                end: int | None = None) -> LoadError:
    """Locate a decode error; `base_offset`/`end` delimit the decoded part (a JSONL line)."""
    text = str(error)
    match = _BYTE_AT.search(text)
    offset = base_offset + int(match.group(1)) if match else (len(data) if end is None else end)
    reason = text.split(" (byte")[0].removeprefix("JSON is malformed: ")
    if not match:  # msgspec says "Input data was truncated"
        reason = "the file ends before the JSON is complete (truncated or cut off)"
    return LoadError("invalid_json", f"not valid JSON: {reason}", _location(data, offset, name))


def _check_readable(data: Buffer, name: str) -> Buffer:
    head = data[:4096]
    if not head.strip() and (len(data) <= len(head) or not data[:].strip()):
        raise LoadError("empty_file", "the file is empty", name)
    if head.startswith(_BOM):
        data = data[len(_BOM):]  # a copy, but only for files saved with a byte-order mark
    return data


def _utf8_error(data: Buffer, name: str) -> LoadError:
    data = data[:]
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return LoadError("not_utf8", f"not UTF-8 text (byte 0x{data[exc.start]:02x} cannot start a character)",
                         _location(data, exc.start, name))
    return LoadError("not_utf8", "not UTF-8 text", name)


# --- format detection ------------------------------------------------------------------------
def _first_line(data: Buffer) -> bytes:
    end = data.find(b"\n")
    return data[:] if end < 0 else data[:end]


def detect_format(data: Buffer, name: str = "file") -> FileFormat:
    """Which of the three export shapes `data` is (raises LoadError if none)."""
    data = _check_readable(data, name)
    first = _first_line(data).strip()
    if first.startswith(b"{") and first.endswith(b"}"):
        try:
            obj = msgspec.json.decode(first)
        except (msgspec.DecodeError, UnicodeDecodeError):
            obj = None
        if isinstance(obj, dict) and ("_meta" in obj or len(first) < len(data.strip())):
            return "jsonl"
    # A cheap look instead of a second full decode: the top-level key that names the
    # conversations comes before any nested one in both shapes. The typed decode that
    # follows checks the shape for real.
    conversations_at = data.find(b'"conversations"')
    pairs_at = data.find(b'"training_pairs"')
    if conversations_at >= 0 and (pairs_at < 0 or conversations_at < pairs_at):
        return "training_file"
    if pairs_at >= 0:
        return "enriched"
    try:
        msgspec.json.decode(data)
    except msgspec.DecodeError as exc:
        raise _json_error(data, name, exc) from None
    except UnicodeDecodeError:
        raise _utf8_error(data, name) from None
    raise LoadError("wrong_shape", _shape_message(data), name)


def _shape_message(data: Buffer) -> str:
    expected = ("expected a training file (training_file_metadata + conversations), a training.jsonl "
                "or an enriched conversation file (dataset_metadata + training_pairs)")
    try:
        top = msgspec.json.decode(data)
    except (msgspec.DecodeError, UnicodeDecodeError):
        return expected
    if isinstance(top, dict):
        keys = ", ".join(sorted(top)[:6]) or "no keys"
        return f"{expected}; found an object with {keys}"
    return f"{expected}; found a JSON {type(top).__name__.replace('list', 'array').replace('str', 'string')}"


# --- decoding ---------------------------------------------------------------------------------
def _field_path(error: msgspec.ValidationError) -> tuple[str, str]:
    """('Object missing required field `x`', 'training_pairs[3]') from a msgspec error."""
    text = str(error)
    reason, _, path = text.partition(" - at `")
    return reason, path.rstrip("`").removeprefix("$.").removeprefix("$")


class _IdOnly(msgspec.Struct):
    conversation_metadata: dict[str, Any] | None = None


def _raw_conversation_id(raw: msgspec.Raw) -> str | None:
    try:
        meta = msgspec.json.decode(raw, type=_IdOnly).conversation_metadata or {}
    except (msgspec.DecodeError, msgspec.ValidationError):
        return None
    cid = meta.get("conversation_id")
    return str(cid) if cid not in (None, "") else None


def _decode_training_file(data: Buffer, name: str, report: ValidationReport) -> tuple[list, Any, Any]:
    with suppress(msgspec.ValidationError):  # some conversation is malformed: isolate it below
        doc = msgspec.json.decode(data, type=schema.TrainingFile)
        return doc.conversations, doc.training_file_metadata, doc.consultant_profile
    try:
        rough = msgspec.json.decode(data, type=schema.TrainingFileRaw)
    except msgspec.ValidationError as exc:
        reason, path = _field_path(exc)
        raise LoadError("wrong_shape", f"{reason.lower()} (field `{path or 'top level'}`)", name) from None
    decoder = msgspec.json.Decoder(schema.Conversation)
    conversations = []
    for index, raw in enumerate(rough.conversations):
        try:
            conversations.append(decoder.decode(raw))
        except msgspec.ValidationError as exc:
            reason, path = _field_path(exc)
            cid = _raw_conversation_id(raw)
            label = f"conversation {cid}" if cid else f"conversation #{index + 1} (no conversation_id)"
            report.add("error", "conversation_dropped",
                       f"dropped: {reason[0].lower() + reason[1:]}",
                       f"{name}: {label}, field `{path}`")
            report.dropped_conversations.append(cid or f"#{index + 1}")
    return conversations, rough.training_file_metadata, rough.consultant_profile


def _decode_enriched(data: Buffer, name: str, report: ValidationReport) -> tuple[list, Any, Any]:
    try:
        doc = msgspec.json.decode(data, type=schema.EnrichedFile)
    except msgspec.ValidationError as exc:
        reason, path = _field_path(exc)
        raise LoadError("missing_field", f"{reason[0].lower() + reason[1:]} (field `{path}`)", name) from None
    meta = doc.dataset_metadata or schema.DatasetMetadata()
    p = doc.input_parameters
    cid = (meta.dataset_name or "").removeprefix("fp_conversation_") or Path(name).stem
    conversation = schema.Conversation(
        conversation_metadata=schema.ConversationMetadata(
            conversation_id=cid,
            scaffolding=schema.Scaffolding(
                persona_key=p.persona_key, emotional_arc_key=p.emotional_arc_key,
                training_topic_key=p.training_topic_key, persona_name=p.persona_name,
                emotional_arc=p.emotional_arc_name, training_topic=p.training_topic_name),
            total_turns=meta.total_turns, quality_tier=meta.quality_tier, created_date=meta.created_date),
        training_pairs=doc.training_pairs,
    )
    file_meta = {"total_conversations": 1, "dataset_name": meta.dataset_name}
    return [conversation], msgspec.json.encode(file_meta), doc.consultant_profile


def _jsonl_lines(data: bytes) -> Iterable[tuple[int, int, bytes]]:
    """(line number, byte offset, line) for each non-blank line."""
    offset = 0
    for number, line in enumerate(data.split(b"\n"), start=1):
        if line.strip():
            yield number, offset, line
        offset += len(line) + 1


def _persona_name(client_persona: str | None) -> str | None:
    return client_persona.split(" - ")[0] if client_persona else None


def _decode_jsonl(data: Buffer, name: str, report: ValidationReport) -> tuple[list, Any, Any]:
    data = data[:]  # lines are split as bytes
    decoder = msgspec.json.Decoder(schema.JsonlPair)
    meta_raw = None
    groups: dict[str, list[schema.JsonlPair]] = {}
    for number, offset, line in _jsonl_lines(data):
        if meta_raw is None and line.lstrip().startswith(b'{"_meta"'):
            meta_raw = msgspec.json.decode(line).get("_meta")
            continue
        try:
            pair = decoder.decode(line)
        except msgspec.ValidationError as exc:  # a subclass of DecodeError: catch it first
            reason, path = _field_path(exc)
            report.add("error", "line_dropped", f"line skipped: {reason[0].lower() + reason[1:]}",
                       f"{name}, line {number}, field `{path}`")
            continue
        except msgspec.DecodeError as exc:
            err = _json_error(data, name, exc, base_offset=offset, end=offset + len(line))
            report.add("error", "line_dropped", f"line skipped: {err.finding.message}", err.finding.where)
            continue
        except UnicodeDecodeError:
            err = _utf8_error(line, f"{name}, line {number}")
            report.add("error", "line_dropped", f"line skipped: {err.finding.message}", err.finding.where)
            continue
        groups.setdefault(pair.conversation_id, []).append(pair)
    if meta_raw is None:
        report.add("warning", "jsonl_without_meta", "the file has no `_meta` line: totals cannot be checked", name)
    conversations = [_jsonl_conversation(cid, pairs) for cid, pairs in groups.items()]
    profile = meta_raw.pop("consultant_profile", None) if isinstance(meta_raw, dict) else None
    meta = msgspec.json.encode(meta_raw) if isinstance(meta_raw, dict) else None
    return conversations, meta, msgspec.json.encode(profile) if profile else None


def _jsonl_conversation(cid: str, lines: list[schema.JsonlPair]) -> schema.Conversation:
    ctx = lines[0].conversation_metadata
    pairs = [
        schema.Pair(turn_number=p.turn_number, current_user_input=p.current_user_input,
                    target_response=p.target_response, emotional_context=p.emotional_context,
                    training_metadata=p.training_metadata, conversation_history=p.conversation_history,
                    system_prompt=p.system_prompt, id=p.id, conversation_id=p.conversation_id)
        for p in sorted(lines, key=lambda p: p.turn_number)
    ]
    scaffolding = schema.Scaffolding(
        persona_key=ctx.persona_archetype or "unknown", emotional_arc_key=ctx.emotional_arc_key or "unknown",
        training_topic_key=ctx.training_topic_key or "unknown", persona_name=_persona_name(ctx.client_persona),
        emotional_arc=ctx.emotional_arc, training_topic=ctx.training_topic)
    return schema.Conversation(
        conversation_metadata=schema.ConversationMetadata(conversation_id=cid, scaffolding=scaffolding),
        training_pairs=pairs, context=msgspec.Raw(msgspec.json.encode(ctx)))


_DECODERS = {"training_file": _decode_training_file, "jsonl": _decode_jsonl, "enriched": _decode_enriched}


def _as_dict(raw: Any) -> dict[str, Any] | None:
    try:
        value = schema.decode_raw(raw)
    except (msgspec.DecodeError, UnicodeDecodeError):
        return None
    return value if isinstance(value, dict) else None


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Decoding allocates millions of objects; letting the cyclic GC scan them mid-load
    costs more than the decode itself, and none of them form cycles."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def load_dataset(source: str | Path | bytes | IO[bytes], name: str | None = None,
                 edge_case_arcs: Iterable[str] = DEFAULT_EDGE_CASE_ARCS) -> LoadedDataset:
    """Load any of the three export shapes; raise LoadError only if nothing can be read."""
    data, name = read_source(source, name)
    try:
        with _gc_paused():
            return _load(data, name, frozenset(edge_case_arcs))
    finally:
        if isinstance(data, mmap.mmap):
            # A failed load's traceback may still hold views into the map; they unmap when freed.
            with suppress(BufferError):
                data.close()


def _load(data: Buffer, name: str, edge: frozenset[str]) -> LoadedDataset:
    size = len(data)
    data = _check_readable(data, name)
    fmt = detect_format(data, name)
    report = ValidationReport()
    try:
        conversations, meta_raw, profile_raw = _DECODERS[fmt](data, name, report)
    except msgspec.DecodeError as exc:
        raise _json_error(data, name, exc) from None
    except UnicodeDecodeError:
        raise _utf8_error(data, name) from None
    return _assemble(conversations, _as_dict(meta_raw), _as_dict(profile_raw), fmt, name, size, report, edge)


def _assemble(conversations: list, file_metadata: dict[str, Any] | None, profile: dict[str, Any] | None,
              fmt: FileFormat, name: str, size: int, report: ValidationReport, edge: frozenset[str]) -> LoadedDataset:
    """Decoded conversations → validated dataset with its tables."""
    if not conversations:
        if report.has_errors:
            first = next(f for f in report.findings if f.severity == "error")
            raise LoadError("no_valid_conversations",
                            f"no conversation could be read; the first problem: {first.message}", first.where)
        raise LoadError("no_conversations", "the file holds no conversations", name)
    conversations = validation.drop_unusable(conversations, name, report)
    cols = columns.extract(conversations)  # also releases the views into `data`
    tables = build_tables(conversations, cols, edge)
    validation.check(conversations, cols, tables, file_metadata, fmt, name, report)
    return LoadedDataset(name=name, format=fmt, size_bytes=size, conversations=conversations, report=report,
                         file_metadata=file_metadata, consultant_profile=profile,
                         edge_case_arcs=edge, _tables=tables)


def load_enriched_files(files: Iterable[tuple[str, str, bytes]], name: str,
                        edge_case_arcs: Iterable[str] = DEFAULT_EDGE_CASE_ARCS) -> LoadedDataset:
    """One dataset from many per-conversation `enriched.json` files: (conversation id, file name, bytes).

    The conversation id is the caller's (the database row's), not the one the file spells in its
    `dataset_name`. A file that cannot be read costs its conversation, named in the report.
    """
    report = ValidationReport()
    conversations: list[schema.Conversation] = []
    profile: dict[str, Any] | None = None
    size = 0
    with _gc_paused():
        for cid, file_name, data in files:
            size += len(data)
            try:
                checked = _check_readable(data, file_name)
                found, _, profile_raw = _decode_enriched(checked, file_name, report)
            except (LoadError, msgspec.DecodeError, UnicodeDecodeError) as exc:
                if isinstance(exc, msgspec.DecodeError):
                    exc = _json_error(data, file_name, exc)
                elif isinstance(exc, UnicodeDecodeError):
                    exc = _utf8_error(data, file_name)
                report.findings.append(exc.finding.model_copy(update={"code": "conversation_dropped"}))
                report.dropped_conversations.append(cid)
                continue
            conversation = found[0]
            meta = conversation.conversation_metadata
            if meta.conversation_id != cid:
                conversation = msgspec.structs.replace(
                    conversation, conversation_metadata=msgspec.structs.replace(meta, conversation_id=cid))
            conversations.append(conversation)
            profile = profile or _as_dict(profile_raw)
        file_metadata = {"total_conversations": len(conversations)}
        return _assemble(conversations, file_metadata, profile, "enriched", name, size, report,
                         frozenset(edge_case_arcs))
