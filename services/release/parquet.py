"""Parquet shaped for the Hub's dataset viewer and `datasets`: row groups and shards by size, page index on.

The viewer reads a repo's Parquet as-is only when each row-group read stays under its scan limit,
and `datasets` reads a row group at once; `datasets.push_to_hub`, the reference, writes row groups
of at most 100 MB and shards of at most 500 MB (uncompressed), with the page index, named
`data/{split}-0000N-of-0000M.parquet` and globbed in the card's `configs` (../shared/HUB-FACTS.md).
The studio does the same per config: a small config stays one file, `data/<config>.parquet`; a
large one becomes `data/<config>/train-0000N-of-0000M.parquet`, globbed as `data/<config>/train-*`.
Row groups hold fewer rows where rows are long (long conversations), never more than the limit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import BinaryIO

import pyarrow as pa
import pyarrow.parquet as pq

from services.release.sinks import MemorySink, Sink
from services.utils.files import FileSource, read_whole

MB = 1_000_000


@dataclass(frozen=True)
class ParquetLimits:
    """Uncompressed bytes: of one row group, and of one file (a shard)."""

    row_group_bytes: int = 100 * MB
    file_bytes: int = 500 * MB
    commit_files: int = 100  # a release is one commit; the Hub advises about 100 files per commit at most


DEFAULT_LIMITS = ParquetLimits()


def _fitting_prefix(table: pa.Table, limit: int) -> int:
    """How many rows from the start fit in `limit` bytes (at least one: a longer row stands alone)."""
    low, high = 1, table.num_rows  # the longest slice that fits: bisect on its size
    while low < high:
        mid = (low + high + 1) // 2
        if table.slice(0, mid).nbytes <= limit:
            low = mid
        else:
            high = mid - 1
    return low


class ConfigWriter:
    """One config's Parquet files, written batch by batch: rows are buffered until they fill a row group
    (`limits.row_group_bytes`), each group is written as soon as it is full, and a file that would pass
    `limits.file_bytes` is closed and the next shard begun. Memory holds about one row group, whatever
    the config's size. `close()` names the files (see the module docstring) and returns their paths."""

    def __init__(self, config: str, schema: pa.Schema, sink: Sink, limits: ParquetLimits = DEFAULT_LIMITS) -> None:
        self.config, self.schema, self.sink, self.limits = config, schema, sink, limits
        self._pending: list[pa.Table] = []
        self._pending_bytes = 0
        self._shards: list[str] = []
        self._writer: pq.ParquetWriter | None = None
        self._handle: BinaryIO | None = None
        self._shard_bytes = 0
        self._rows = 0

    @property
    def pending_bytes(self) -> int:
        """The rows waiting for their row group to fill (less than one group after every `write`)."""
        return self._pending_bytes

    @property
    def rows_written(self) -> int:
        """The rows already in row groups."""
        return self._rows

    def write(self, table: pa.Table) -> None:
        """Add rows (of the config's schema); every full row group goes to disk at once."""
        if not table.num_rows:
            return
        self._pending.append(table)
        self._pending_bytes += table.nbytes
        self._drain(self.limits.row_group_bytes)

    def _drain(self, keep_bytes: int) -> None:
        """Write row groups from the front of the buffered rows while more than `keep_bytes` wait (-1: all)."""
        while self._pending and self._pending_bytes > keep_bytes:
            pending = pa.concat_tables(self._pending)
            rows = _fitting_prefix(pending, self.limits.row_group_bytes)
            self._write_group(pending.slice(0, rows))
            rest = pending.slice(rows)
            self._pending, self._pending_bytes = ([rest], rest.nbytes) if rest.num_rows else ([], 0)

    def _write_group(self, group: pa.Table) -> None:
        size = group.nbytes
        group = group.combine_chunks()  # one contiguous group: the same bytes however the rows arrived
        if self._writer is not None and self._shard_bytes + size > self.limits.file_bytes:
            self._close_shard()
        if self._writer is None:
            self._shards.append(f"data/{self.config}/.shard-{len(self._shards):05d}.parquet")
            self._handle = self.sink.open(self._shards[-1])
            self._writer = pq.ParquetWriter(self._handle, self.schema, compression="zstd", use_dictionary=True,
                                            write_statistics=True, write_page_index=True)
            self._shard_bytes = 0
        self._writer.write_table(group, row_group_size=max(group.num_rows, 1))
        self._shard_bytes += size
        self._rows += group.num_rows

    def _close_shard(self) -> None:
        if self._writer is not None and self._handle is not None:
            self._writer.close()
            self._handle.close()
        self._writer = self._handle = None

    def close(self) -> list[str]:
        """Write what is buffered, close the last file and name them all; the config's paths in order."""
        self._drain(-1)
        if not self._shards:  # an empty config still has its file, with its columns
            self._write_group(self.schema.empty_table())
        self._close_shard()
        if len(self._shards) == 1:
            names = [f"data/{self.config}.parquet"]
        else:
            n = len(self._shards)
            names = [f"data/{self.config}/train-{i:05d}-of-{n:05d}.parquet" for i in range(n)]
        for old, new in zip(self._shards, names, strict=True):
            self.sink.rename(old, new)
        return names

    def abort(self) -> None:
        """Close an open file after a failure (the sink's folder is removed by its owner)."""
        self._close_shard()


def config_files(config: str, table: pa.Table, limits: ParquetLimits = DEFAULT_LIMITS) -> dict[str, bytes]:
    """One config's Parquet files from a whole table: path in the repo → bytes (small tables, tests)."""
    sink = MemorySink()
    writer = ConfigWriter(config, table.schema, sink, limits)
    writer.write(table)
    names = writer.close()
    files = sink.files()
    return {name: read_whole(files[name]) for name in names}


def data_files_glob(config: str, paths: list[str]) -> str:
    """The path (or glob) the card's `configs` name for a config's files."""
    return f"data/{config}.parquet" if paths == [f"data/{config}.parquet"] else f"data/{config}/train-*"


def config_paths(config: str, files: Mapping[str, FileSource]) -> list[str]:
    """A config's Parquet files among a bundle's files, in order."""
    single = f"data/{config}.parquet"
    if single in files:
        return [single]
    return sorted(p for p in files if p.startswith(f"data/{config}/train-") and p.endswith(".parquet"))


def parquet_file(source: FileSource) -> pq.ParquetFile:
    """A released Parquet file opened for reading, from its bytes or its path (read as needed, not whole)."""
    return pq.ParquetFile(pa.BufferReader(source) if isinstance(source, bytes) else source)


def size(n: int) -> str:
    """Bytes as people read them: '96.3 MB', '58 kB'."""
    return f"{n / MB:,.1f} MB" if n >= MB else f"{n / 1000:,.0f} kB"


@dataclass(frozen=True)
class ShapeProblem:
    path: str
    detail: str


def shape_problems(files: Mapping[str, FileSource], configs: list[str],
                   limits: ParquetLimits = DEFAULT_LIMITS) -> list[ShapeProblem]:
    """What breaks the viewer's and `datasets`' expectations, with the figures: a file over the
    shard limit, a row group over its limit, a column without its page index."""
    problems: list[ShapeProblem] = []
    for config in configs:
        for path in config_paths(config, files):
            meta = parquet_file(files[path]).metadata
            total = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
            if total > limits.file_bytes:
                problems.append(ShapeProblem(path, f"{size(total)} uncompressed in one file (at most "
                                                   f"{size(limits.file_bytes)})"))
            for i in range(meta.num_row_groups):
                group = meta.row_group(i)
                if group.total_byte_size > limits.row_group_bytes and group.num_rows > 1:
                    problems.append(ShapeProblem(path, f"row group {i} holds {size(group.total_byte_size)} "
                                                       f"uncompressed (at most {size(limits.row_group_bytes)})"))
                if not all(group.column(j).has_offset_index for j in range(group.num_columns)):
                    problems.append(ShapeProblem(path, f"row group {i} has no page index"))
                    break
    return problems


def parquet_bytes(table: pa.Table) -> bytes:
    """A table as one Parquet file (zstd, page index), as the Hub's dataset viewer and `datasets` read it."""
    (data,) = config_files("table", table, ParquetLimits(file_bytes=2**62)).values()
    return data
