"""The three export shapes → conversations, file metadata and advisor profile, typed.

The happy path is one typed msgspec decode of the whole file. When it rejects something, the
file is decoded again record by record (a conversation, a JSONL line): a bad optional value costs
that value (`services.repair`), an unusable record costs that record, and each is a located
finding. Metadata and profile are typed the same way, so nothing read later can meet a value of
the wrong type.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import suppress
from dataclasses import dataclass
from io import BufferedIOBase
from pathlib import Path

import msgspec

from services.dataset import repair, schema
from services.dataset.detect import FileFormat
from services.dataset.reading import Buffer, as_load_error
from services.dataset.records import NotStreamable, SideBlocks, TrainingFileReader
from services.dataset.report import LoadError, Tally, ValidationReport


@dataclass
class Decoded:
    """What a decoder read: the conversations in file order and the two side blocks."""

    conversations: list[schema.Conversation]
    metadata: schema.FileMetadata | None
    profile: schema.ConsultantProfile | None


class Repairs:
    """The values dropped while decoding, one finding per field pattern and reason."""

    def __init__(self) -> None:
        self._tallies: dict[tuple[str, str], Tally] = {}

    def note(self, record: str, outcome: repair.Outcome) -> None:
        """Remember what one record's repair dropped (or why it failed)."""
        for dropped in outcome.dropped:
            tally = self._tallies.setdefault((dropped.pattern, dropped.reason), Tally("{}"))
            tally.add(dropped.at(record))

    def emit(self, report: ValidationReport) -> None:
        """One `value_dropped` finding per field pattern and reason, with a count and places."""
        for (pattern, reason), tally in self._tallies.items():
            tally.emit(report, "warning", "value_dropped",
                       f"{tally.count:,} value{'s' if tally.count > 1 else ''} of `{pattern}` left out: "
                       f"{_lower(reason)}")


def _lower(text: str) -> str:
    return text[:1].lower() + text[1:]


def _side_block(raw: msgspec.Raw | None, record_type: type, label: str, name: str, repairs: Repairs,
                report: ValidationReport):
    """A metadata or profile block, typed; a block that is not an object is ignored with a finding."""
    if raw is None:
        return None
    outcome = repair.decode(raw, record_type)
    if outcome.value is None:
        report.add("warning", "block_ignored", f"`{label}` ignored: {_lower(outcome.failure.reason)}",
                   f"{name}: {label}")
        return None
    repairs.note(f"{name}: {label}", outcome)
    return outcome.value


class _IdOnly(msgspec.Struct):
    conversation_metadata: object = None


def _raw_conversation_id(raw: bytes | msgspec.Raw) -> str | None:
    """The id of a conversation that failed to decode, if one can be read at all (for the finding)."""
    with suppress(msgspec.DecodeError):
        meta = msgspec.json.decode(raw, type=_IdOnly).conversation_metadata
        cid = meta.get("conversation_id") if isinstance(meta, dict) else None
        if isinstance(cid, (str, int)) and not isinstance(cid, bool) and str(cid):
            return str(cid)
    return None


def _training_file(conversations: list[schema.Conversation],
                   doc: schema.TrainingFile | schema.TrainingFileRaw | SideBlocks,
                   name: str, repairs: Repairs, report: ValidationReport) -> Decoded:
    """The conversations with the file's metadata and profile, typed; every repair reported."""
    decoded = Decoded(conversations,
                      _side_block(doc.training_file_metadata, schema.FileMetadata, "training_file_metadata",
                                  name, repairs, report),
                      _side_block(doc.consultant_profile, schema.ConsultantProfile, "consultant_profile",
                                  name, repairs, report))
    repairs.emit(report)
    return decoded


def decode_training_file(data: Buffer, name: str, report: ValidationReport) -> Decoded:
    """A whole training file, typed; record by record with repairs when the fast decode fails (a file
    off the plain shape: a plain one is streamed, `TrainingFileStream`)."""
    repairs = Repairs()
    with suppress(msgspec.ValidationError):  # some value is off: isolate it below
        doc = msgspec.json.decode(data, type=schema.TrainingFile)
        return _training_file(doc.conversations, doc, name, repairs, report)
    try:
        rough = msgspec.json.decode(data, type=schema.TrainingFileRaw)
    except msgspec.ValidationError as exc:
        reason, path = repair.split_error(exc)
        raise LoadError("wrong_shape", f"{_lower(reason)} (field `{path or 'top level'}`)", name) from None
    conversations = list(_records(rough.conversations, name, repairs, report))
    return _training_file(conversations, rough, name, repairs, report)


def _records(raws: Iterable[bytes | msgspec.Raw], name: str, repairs: Repairs,
             report: ValidationReport) -> Iterator[schema.Conversation]:
    """Each record typed with its repairs noted; one that cannot be typed is dropped, located."""
    decoder = msgspec.json.Decoder(schema.Conversation)
    for index, raw in enumerate(raws):
        outcome = repair.decode(raw, schema.Conversation, decoder)
        cid = outcome.value.conversation_metadata.conversation_id if outcome.value else _raw_conversation_id(raw)
        label = f"conversation {cid}" if cid else f"conversation #{index + 1} (no conversation_id)"
        if outcome.value is None:
            report.add("error", "conversation_dropped", f"dropped: {_lower(outcome.failure.reason)}",
                       outcome.failure.at(f"{name}: {label}"))
            report.dropped_conversations.append(cid or f"#{index + 1}")
            continue
        repairs.note(f"{name}: {label}", outcome)
        yield outcome.value


class TrainingFileStream:
    """A plain training file's conversations decoded one at a time from a window over the file
    (`services.dataset.records`); its metadata and profile are known once the iteration ends.
    Raises `NotStreamable` off the plain shape, and msgspec's DecodeError on a conversation that is not
    JSON: the loader then reads the file whole, which words the error as it always has."""

    def __init__(self, handle: BufferedIOBase, start: int, name: str, report: ValidationReport) -> None:
        self._reader = TrainingFileReader(handle, start)
        self._name = name
        self._report = report
        self.metadata: schema.FileMetadata | None = None
        self.profile: schema.ConsultantProfile | None = None

    def __iter__(self) -> Iterator[schema.Conversation]:
        repairs = Repairs()
        raws = (raw for _, raw in self._reader.conversations())
        yield from _records(raws, self._name, repairs, self._report)
        side = self._reader.side
        done = _training_file([], side, self._name, repairs, self._report)
        self.metadata, self.profile = done.metadata, done.profile


def decode_enriched(data: Buffer, name: str, report: ValidationReport) -> Decoded:
    """An enriched file (one conversation per file), typed, with the same repairs."""
    repairs = Repairs()
    outcome = repair.decode(data, schema.EnrichedFile)
    if outcome.value is None:
        raise LoadError("missing_field", _lower(outcome.failure.reason), outcome.failure.at(name))
    repairs.note(name, outcome)
    doc: schema.EnrichedFile = outcome.value
    meta = doc.dataset_metadata or schema.DatasetMetadata()
    p = doc.input_parameters
    cid = (meta.dataset_name or "").removeprefix("fp_conversation_") or Path(name).stem or "conversation"
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
    metadata = schema.FileMetadata(total_conversations=1, dataset_name=meta.dataset_name,
                                   created_date=meta.created_date)
    profile = _side_block(doc.consultant_profile, schema.ConsultantProfile, "consultant_profile", name,
                          repairs, report)
    repairs.emit(report)
    return Decoded([conversation], metadata, profile)


def _jsonl_lines(data: bytes) -> Iterable[tuple[int, int, bytes]]:
    """(line number, byte offset, line) for each non-blank line."""
    offset = 0
    for number, line in enumerate(data.split(b"\n"), start=1):
        if line.strip():
            yield number, offset, line
        offset += len(line) + 1


def _persona_name(client_persona: str | None) -> str | None:
    return client_persona.split(" - ")[0] if client_persona else None


class _MetaLine(msgspec.Struct):
    meta: msgspec.Raw = msgspec.field(default=None, name="_meta")  # type: ignore[assignment]


def _meta_of(line: bytes) -> msgspec.Raw | None:
    """The `_meta` block if `line` is the metadata line, whatever its spacing or key order."""
    try:
        return msgspec.json.decode(line, type=_MetaLine).meta
    except (msgspec.DecodeError, UnicodeDecodeError):  # not an object, or not JSON: a pair line's problem
        return None


class _ProfileInMeta(msgspec.Struct):
    """The `_meta` line carries the advisor's profile beside the file's metadata."""

    consultant_profile: msgspec.Raw = None  # type: ignore[assignment]  # Raw takes no `| None`


class _JsonlReader:
    """The pairs of a `training.jsonl`, line by line, each typed with its repairs; the `_meta` block kept."""

    def __init__(self, data: Buffer, name: str, report: ValidationReport) -> None:
        self.data, self.name, self.report = data, name, report  # `data`: to locate an error, never split whole
        self.repairs = Repairs()
        self.meta_raw: msgspec.Raw | None = None

    def pairs(self, lines: Iterable[tuple[int, int, bytes]]) -> Iterator[schema.JsonlPair]:
        """(line number, byte offset, line) → typed pairs; a line that cannot be read is skipped, located."""
        decoder = msgspec.json.Decoder(schema.JsonlPair)
        name, report = self.name, self.report
        for index, (number, offset, line) in enumerate(lines):
            where = f"{name}, line {number}"
            if index == 0 and (meta := _meta_of(line)) is not None:  # the format's first line
                self.meta_raw = meta
                continue
            try:
                outcome = repair.decode(line, schema.JsonlPair, decoder)
            except (msgspec.DecodeError, UnicodeDecodeError) as exc:  # not JSON, or not text
                err = as_load_error(exc, self.data, name, base_offset=offset, end=offset + len(line)).finding
                report.add("error", "line_dropped", f"line skipped: {err.message}", err.where)
                continue
            if outcome.value is None:
                report.add("error", "line_dropped", f"line skipped: {_lower(outcome.failure.reason)}",
                           outcome.failure.at(where))
                continue
            self.repairs.note(where, outcome)
            yield outcome.value

    def blocks(self) -> tuple[schema.FileMetadata | None, schema.ConsultantProfile | None]:
        """The file's metadata and profile (read once every line is), every repair reported."""
        name, report, repairs = self.name, self.report, self.repairs
        if self.meta_raw is None:
            report.add("warning", "jsonl_without_meta", "the file has no `_meta` line: totals cannot be checked", name)
        metadata = profile = None
        if self.meta_raw is not None:
            metadata = _side_block(self.meta_raw, schema.FileMetadata, "_meta", name, repairs, report)
            profile_raw = msgspec.json.decode(self.meta_raw, type=_ProfileInMeta).consultant_profile \
                if metadata is not None else None
            profile = _side_block(profile_raw, schema.ConsultantProfile, "_meta.consultant_profile", name,
                                  repairs, report)
        repairs.emit(report)
        return metadata, profile


def decode_jsonl(data: Buffer, name: str, report: ValidationReport) -> Decoded:
    """A `training.jsonl` export: its `_meta` line, then one pair per line, regrouped by conversation."""
    reader = _JsonlReader(data, name, report)
    groups: dict[str, list[schema.JsonlPair]] = {}
    for pair in reader.pairs(_jsonl_lines(data[:])):  # lines are split as bytes
        groups.setdefault(pair.conversation_id, []).append(pair)
    conversations = [_jsonl_conversation(cid, pairs) for cid, pairs in groups.items()]
    return Decoded(conversations, *reader.blocks())


class JsonlStream:
    """A `training.jsonl` read line by line from a handle, a conversation at a time: its lines must come
    together (the platform writes them so). A conversation met again after another began raises
    `NotStreamable`, and the loader regroups the file whole (`decode_jsonl`)."""

    def __init__(self, handle: BufferedIOBase, data: Buffer, name: str, report: ValidationReport) -> None:
        self._handle = handle
        self._reader = _JsonlReader(data, name, report)
        self.metadata: schema.FileMetadata | None = None
        self.profile: schema.ConsultantProfile | None = None

    def __iter__(self) -> Iterator[schema.Conversation]:
        done: set[str] = set()
        current: list[schema.JsonlPair] = []
        for pair in self._reader.pairs(_handle_lines(self._handle)):
            if current and pair.conversation_id != current[0].conversation_id:
                done.add(current[0].conversation_id)
                yield _jsonl_conversation(current[0].conversation_id, current)
                current = []
            if pair.conversation_id in done:
                raise NotStreamable(f"the lines of conversation {pair.conversation_id} are not together")
            current.append(pair)
        if current:
            yield _jsonl_conversation(current[0].conversation_id, current)
        self.metadata, self.profile = self._reader.blocks()


def _handle_lines(handle: BufferedIOBase) -> Iterator[tuple[int, int, bytes]]:
    """(line number, byte offset, line) for each non-blank line, read from `handle` (as `_jsonl_lines`)."""
    offset = 0
    for number, line in enumerate(handle, start=1):
        body = line[:-1] if line.endswith(b"\n") else line
        if body.strip():
            yield number, offset, body
        offset += len(line)


def _jsonl_conversation(cid: str, lines: list[schema.JsonlPair]) -> schema.Conversation:
    """A conversation regrouped from its lines: its labels are its first line's (the key resolution
    reads every line's context too, to fill what is missing and to find lines that disagree)."""
    ctx = lines[0].conversation_metadata
    pairs = [
        schema.Pair(turn_number=p.turn_number, current_user_input=p.current_user_input,
                    target_response=p.target_response, emotional_context=p.emotional_context,
                    training_metadata=p.training_metadata, conversation_history=p.conversation_history,
                    system_prompt=p.system_prompt, id=p.id, conversation_id=p.conversation_id,
                    conversation_metadata=msgspec.Raw(msgspec.json.encode(p.conversation_metadata)))
        for p in sorted(lines, key=lambda p: p.turn_number)
    ]
    scaffolding = schema.Scaffolding(
        persona_key=ctx.persona_archetype, emotional_arc_key=ctx.emotional_arc_key,
        training_topic_key=ctx.training_topic_key, persona_name=_persona_name(ctx.client_persona),
        emotional_arc=ctx.emotional_arc, training_topic=ctx.training_topic)
    return schema.Conversation(
        conversation_metadata=schema.ConversationMetadata(conversation_id=cid, scaffolding=scaffolding),
        training_pairs=pairs, context=msgspec.Raw(msgspec.json.encode(ctx)))


DECODERS: dict[FileFormat, Callable[[Buffer, str, ValidationReport], Decoded]] = {
    "training_file": decode_training_file, "jsonl": decode_jsonl, "enriched": decode_enriched}
