"""Read an export (path, bytes or uploaded file) into a validated `LoadedDataset`: facts in memory, text on disk.

A training file of the plain shape, or a JSONL whose lines come together, is streamed: a conversation
at a time through a window over the file (`records`, `decode`), in batches of `CHUNK` through the
checks and the facts (`columns`, `keys`, `tables`, `validation`), their text written once to the store
(`store`) and let go. Memory grows with the conversations' facts, not with their text. Anything else
(an enriched file, a file off the plain shape, a broken one) is decoded whole, which words every error
exactly, then goes through the same batches. One bad value costs that value and one bad conversation
that conversation, not the file (`decode`, `repair`); anything that makes the whole file unreadable
raises `LoadError` with a located one-line message; nothing else leaves a load.

A finished load is kept beside its store under a key of its file (`load_cache`): loading the same
file again reads the facts back and maps the store.
"""

from __future__ import annotations

import gc
import io
import mmap
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import IO, TYPE_CHECKING

import msgspec
import numpy as np

from services.dataset import columns, keys, load_cache, schema, tables, validation
from services.dataset.columns import PairColumns
from services.dataset.decode import (
    DECODERS,
    Decoded,
    JsonlStream,
    TrainingFileStream,
    decode_enriched,
)
from services.dataset.detect import FORMAT_LABELS, FileFormat, detect_format, shape_from_keys
from services.dataset.keys import KeyProvenance, RecordedKeys, ScaffoldingNames
from services.dataset.reading import as_load_error, check_readable, read_source
from services.dataset.records import NotStreamable
from services.dataset.report import LoadError, ValidationReport
from services.dataset.store import ConversationStore, StoreWriter
from services.dataset.tables import DEFAULT_EDGE_CASE_ARCS, ConversationColumns

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["FORMAT_LABELS", "FileFormat", "LoadedDataset", "detect_format", "load_dataset", "load_enriched_files"]


@dataclass(frozen=True)
class LoadedDataset:
    """Everything the pages and services need about one export. Treat as read-only."""

    name: str
    format: FileFormat
    size_bytes: int
    store: ConversationStore = field(repr=False)  # the conversations' text, on disk (`services.dataset.store`)
    report: ValidationReport = field(default_factory=ValidationReport)
    file_metadata: schema.FileMetadata | None = None
    consultant_profile: schema.ConsultantProfile | None = None
    edge_case_arcs: frozenset[str] = DEFAULT_EDGE_CASE_ARCS
    columns: ConversationColumns = field(default=None, repr=False)  # type: ignore[assignment]
    pair_columns: PairColumns = field(default=None, repr=False)  # type: ignore[assignment]
    key_provenance: list[KeyProvenance] = field(default_factory=list, repr=False)  # which rule gave each key

    @cached_property
    def conversation_table(self) -> pd.DataFrame:
        """One row per conversation (see `services.dataset.tables`), built on first use."""
        return tables.conversation_frame(self.columns)

    @cached_property
    def turn_table(self) -> pd.DataFrame:
        """One row per turn (training pair), built on first use."""
        return tables.turn_frame(self.pair_columns, self.conversation_table)

    def __len__(self) -> int:
        return len(self.columns)

    @cached_property
    def positions(self) -> dict[str, int]:
        """Each conversation's position (file order) by id: facts, not text."""
        return {cid: i for i, cid in enumerate(self.columns.conversation_id)}

    def conversation(self, conversation_id: str) -> schema.Conversation | None:
        """One conversation by id, read from the store (the Samples page, a shared link); None if absent."""
        position = self.positions.get(conversation_id)
        return None if position is None else self.store.get(position)

    def conversations_at(self, positions: Sequence[int]) -> list[schema.Conversation]:
        """The conversations at these positions, in that order (the bundle reads a batch at a time)."""
        return self.store.take(positions)

    def iter_conversations(self) -> Iterator[schema.Conversation]:
        """Every conversation in file order, one at a time, never all held."""
        return self.store.conversations()

    @cached_property
    def fingerprint(self) -> str:
        """sha256 of the loaded content (canonical encoding, independent of the file's layout):
        what a release manifest records to say which data it came from: the digest of the whole list's
        JSON, `[a,b,…]`, streamed from the store."""
        return self.store.digest()


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
                 edge_case_arcs: Iterable[str] = DEFAULT_EDGE_CASE_ARCS,
                 scaffolding_names: ScaffoldingNames | None = None) -> LoadedDataset:
    """Load any of the three export shapes; raise LoadError only if nothing can be read.

    `scaffolding_names` (the platform's scaffolding rows) lets a conversation that has only a name
    get that row's key (`services.dataset.keys`)."""
    data, name = read_source(source, name)
    path = Path(source) if isinstance(source, (str, Path)) else None
    edge = frozenset(edge_case_arcs)
    try:
        keyed = path if path is not None and path.is_file() else bytes(data)  # an upload: its bytes are its key
        key = load_cache.load_key(keyed, name, edge, scaffolding_names)
        if (saved := load_cache.open_saved(key)) is not None:  # this file was loaded before: its facts are kept
            with suppress(OSError):  # pruned by another process meanwhile: loaded again below
                return _dataset(saved, ConversationStore(saved.folder / load_cache.TEXT), name, len(data), edge)
        with _gc_paused():
            return _load(data, name, edge, scaffolding_names, path, key)
    except OSError as exc:  # the disk, not the data: full, or gone from under the load
        raise LoadError("not_loaded", f"the file or the studio's copy of its text ({load_cache.store_dir()}) "
                                      f"could not be read or written: {exc.strerror or exc}", name) from None
    finally:
        if isinstance(data, mmap.mmap):
            # A failed load's traceback may still hold views into the map; they unmap when freed.
            with suppress(BufferError):
                data.close()


def _decode(data, name: str, fmt: FileFormat, report: ValidationReport) -> tuple[FileFormat, Decoded]:
    """Decode the whole file as `fmt`; if the shape turns out wrong, as the shape its parsed keys say."""
    try:
        return fmt, DECODERS[fmt](data, name, report)
    except LoadError as exc:
        if exc.finding.code not in ("wrong_shape", "missing_field"):
            raise
        actual = shape_from_keys(data, name)  # raises the shape's own error where there is none
        if actual == fmt:
            raise
        report.findings.clear()
        report.dropped_conversations.clear()
        return actual, DECODERS[actual](data, name, report)


def _load(data, name: str, edge: frozenset[str], names: ScaffoldingNames | None,
          path: Path | None = None, key: str | None = None) -> LoadedDataset:
    size = len(data)
    checked = check_readable(data, name)
    fmt = detect_format(checked, name)
    if fmt in ("training_file", "jsonl"):  # streamed, a window or a line at a time: the file is never held
        report = ValidationReport()
        builder = _FactsBuilder(name, report, edge, names, key=key)
        start = size - len(checked)  # past a byte-order mark
        try:
            with path.open("rb") if path is not None else io.BytesIO(data) as handle:
                handle.seek(start)
                stream = TrainingFileStream(handle, start, name, report) if fmt == "training_file" \
                    else JsonlStream(handle, checked, name, report)
                builder.add_all(stream)
            return builder.finish(Decoded([], stream.metadata, stream.profile), fmt, size)
        except (NotStreamable, msgspec.DecodeError, UnicodeDecodeError, OSError):
            builder.abort()  # not the plain shape, or broken: read whole, which words the error exactly
        except BaseException:
            builder.abort()
            raise
    report = ValidationReport()  # read whole: an enriched file, or a file off the plain shape (or broken)
    try:
        fmt, decoded = _decode(checked, name, fmt, report)
    except (msgspec.DecodeError, UnicodeDecodeError) as exc:
        raise as_load_error(exc, checked, name) from None
    return _assemble(decoded, fmt, name, size, report, edge, names, key=key)


CHUNK = 256  # conversations taken through the load at a time: their text and objects are tens of MB


class _FactsBuilder:
    """A batch of conversations at a time: dropped if unusable, their facts extracted, their keys resolved,
    their text written to the store and let go. Memory grows with the facts, not with the text."""

    def __init__(self, name: str, report: ValidationReport, edge: frozenset[str],
                 names: ScaffoldingNames | None = None, recorded: Mapping[str, RecordedKeys] | None = None,
                 key: str | None = None) -> None:
        self.name, self.report, self.edge, self.key = name, report, edge, key
        self.resolver = keys.KeyResolver(names, recorded)
        try:
            root = load_cache.store_dir()
            root.mkdir(parents=True, exist_ok=True)
            self.folder = Path(tempfile.mkdtemp(prefix=".load-", dir=root))  # renamed whole once finished
        except OSError:  # the store folder cannot be written (a read-only checkout): the system's, not kept
            self.folder, self.key = Path(tempfile.mkdtemp(prefix="studio-load-")), None
        self.writer = StoreWriter(self.folder / load_cache.TEXT)
        self.seen: set[str] = set()
        self.read = 0
        self.pairs: list[PairColumns] = []
        self.per_conversation: list[ConversationColumns] = []
        self.sizes: list[int] = []
        self.declared: list[np.ndarray] = []
        self.provenance: list[KeyProvenance] = []

    def add_all(self, conversations: Iterable[schema.Conversation]) -> None:
        batch: list[schema.Conversation] = []
        for conversation in conversations:
            batch.append(conversation)
            if len(batch) == CHUNK:
                self.add(batch)
                batch = []
        self.add(batch)

    def add(self, batch: list[schema.Conversation]) -> None:
        kept = validation.drop_unusable(batch, self.name, self.report, self.seen, start=self.read)
        self.read += len(batch)
        if not kept:
            return
        cols = columns.extract(kept)  # also releases the views into the file
        self.provenance += self.resolver.resolve(kept, cols.pair_keys)
        cols.pair_keys.clear()
        self.pairs.append(cols)
        self.per_conversation.append(tables.aggregate(kept, cols, self.edge))
        self.sizes.append(len(kept))
        self.declared.append(validation.declared_turns(kept))
        self.writer.add(kept)

    def finish(self, decoded: Decoded, fmt: FileFormat, size: int) -> LoadedDataset:
        """The dataset: facts in memory, text in the store; LoadError if no conversation is usable."""
        report, name = self.report, self.name
        if not self.sizes:
            self.abort()
            if report.has_errors:
                first = next(f for f in report.findings if f.severity == "error")
                raise LoadError("no_valid_conversations",
                                f"no conversation could be read; the first problem: {first.message}", first.where)
            raise LoadError("no_conversations", "the file holds no conversations", name)
        self.writer.close()
        self.resolver.emit(report)
        cols = columns.concat(self.pairs, self.sizes)
        per_conversation = ConversationColumns.concat(self.per_conversation)
        validation.check(np.concatenate(self.declared), cols, per_conversation, decoded.metadata, fmt, name, report)
        saved = load_cache.SavedLoad(folder=self.folder, format=fmt, report=report, file_metadata=decoded.metadata,
                                     consultant_profile=decoded.profile, key_provenance=self.provenance,
                                     columns=per_conversation, pair_columns=cols)
        if self.key is None:  # not a file (rows from Supabase): nothing to find again, nothing left on disk
            store = ConversationStore(self.folder / load_cache.TEXT)
            shutil.rmtree(self.folder, ignore_errors=True)  # the map keeps the store readable
            return _dataset(saved, store, name, size, self.edge)
        folder = load_cache.save(self.folder, self.key, saved)
        return _dataset(saved, ConversationStore(folder / load_cache.TEXT), name, size, self.edge)

    def abort(self) -> None:
        self.writer.abort()
        shutil.rmtree(self.folder, ignore_errors=True)


def _dataset(saved: load_cache.SavedLoad, store: ConversationStore, name: str, size: int,
             edge: frozenset[str]) -> LoadedDataset:
    return LoadedDataset(name=name, format=saved.format, size_bytes=size, store=store,
                         report=saved.report, file_metadata=saved.file_metadata,
                         consultant_profile=saved.consultant_profile, edge_case_arcs=edge, columns=saved.columns,
                         pair_columns=saved.pair_columns, key_provenance=saved.key_provenance)


def _assemble(decoded: Decoded, fmt: FileFormat, name: str, size: int, report: ValidationReport,
              edge: frozenset[str], names: ScaffoldingNames | None = None,
              recorded: Mapping[str, RecordedKeys] | None = None, key: str | None = None) -> LoadedDataset:
    """Decoded conversations → validated dataset with its tables, through the same batches as a stream."""
    builder = _FactsBuilder(name, report, edge, names, recorded, key)
    try:
        conversations, decoded.conversations = decoded.conversations, []
        builder.add_all(conversations)
        del conversations
        return builder.finish(decoded, fmt, size)
    except BaseException:
        builder.abort()
        raise


def load_enriched_files(files: Iterable[tuple[str, str, bytes]], name: str,
                        edge_case_arcs: Iterable[str] = DEFAULT_EDGE_CASE_ARCS,
                        scaffolding_names: ScaffoldingNames | None = None,
                        recorded: Mapping[str, RecordedKeys] | None = None) -> LoadedDataset:
    """One dataset from many per-conversation `enriched.json` files: (conversation id, file name, bytes).

    The conversation id is the caller's (the database row's), not the one the file spells in its
    `dataset_name`. A file that cannot be read costs its conversation, named in the report.
    `recorded` holds each row's own keys, for files whose `input_parameters` lack them.
    """
    report = ValidationReport()
    conversations: list[schema.Conversation] = []
    profile: schema.ConsultantProfile | None = None
    size = 0
    with _gc_paused():
        for cid, file_name, data in files:
            size += len(data)
            try:
                checked = check_readable(data, file_name)
                found = decode_enriched(checked, file_name, report)
            except (LoadError, msgspec.DecodeError, UnicodeDecodeError) as exc:
                finding = as_load_error(exc, data, file_name).finding
                report.findings.append(msgspec.structs.replace(finding, code="conversation_dropped"))
                report.dropped_conversations.append(cid)
                continue
            conversation = found.conversations[0]
            meta = conversation.conversation_metadata
            if meta.conversation_id != cid:
                conversation = msgspec.structs.replace(
                    conversation, conversation_metadata=msgspec.structs.replace(meta, conversation_id=cid))
            conversations.append(conversation)
            profile = profile or found.profile
        decoded = Decoded(conversations, schema.FileMetadata(total_conversations=len(conversations)), profile)
        return _assemble(decoded, "enriched", name, size, report, frozenset(edge_case_arcs),
                         scaffolding_names, recorded)
