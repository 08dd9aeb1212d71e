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

import io
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.parquet as pq

MB = 1_000_000


@dataclass(frozen=True)
class ParquetLimits:
    """Uncompressed bytes: of one row group, and of one file (a shard)."""

    row_group_bytes: int = 100 * MB
    file_bytes: int = 500 * MB
    commit_files: int = 100  # a release is one commit; the Hub advises about 100 files per commit at most


DEFAULT_LIMITS = ParquetLimits()


def _groups(table: pa.Table, limit: int) -> list[pa.Table]:
    """Consecutive slices of at most `limit` bytes each (a row larger than the limit stands alone)."""
    out: list[pa.Table] = []
    start, n = 0, table.num_rows
    while start < n:
        if table.slice(start).nbytes <= limit:
            out.append(table.slice(start))
            break
        low, high = start + 1, n  # the longest slice from `start` that fits: bisect on its size
        while low < high:
            mid = (low + high + 1) // 2
            if table.slice(start, mid - start).nbytes <= limit:
                low = mid
            else:
                high = mid - 1
        out.append(table.slice(start, low - start))
        start = low
    return out


def _file(groups: list[pa.Table], schema: pa.Schema) -> bytes:
    buffer = io.BytesIO()
    with pq.ParquetWriter(buffer, schema, compression="zstd", use_dictionary=True, write_statistics=True,
                          write_page_index=True) as writer:
        for group in groups:
            writer.write_table(group, row_group_size=max(group.num_rows, 1))
    return buffer.getvalue()


def config_files(config: str, table: pa.Table, limits: ParquetLimits = DEFAULT_LIMITS) -> dict[str, bytes]:
    """One config's Parquet files: path in the repo → bytes (see the module docstring for the layout)."""
    groups = _groups(table, limits.row_group_bytes) if table.num_rows else [table]
    shards: list[list[pa.Table]] = [[]]
    size = 0
    for group in groups:
        if shards[-1] and size + group.nbytes > limits.file_bytes:
            shards.append([])
            size = 0
        shards[-1].append(group)
        size += group.nbytes
    if len(shards) == 1:
        return {f"data/{config}.parquet": _file(shards[0], table.schema)}
    n = len(shards)
    return {f"data/{config}/train-{i:05d}-of-{n:05d}.parquet": _file(shard, table.schema)
            for i, shard in enumerate(shards)}


def data_files_glob(config: str, paths: list[str]) -> str:
    """The path (or glob) the card's `configs` name for a config's files."""
    return f"data/{config}.parquet" if paths == [f"data/{config}.parquet"] else f"data/{config}/train-*"


def config_paths(config: str, files: dict[str, bytes]) -> list[str]:
    """A config's Parquet files among a bundle's files, in order."""
    single = f"data/{config}.parquet"
    if single in files:
        return [single]
    return sorted(p for p in files if p.startswith(f"data/{config}/train-") and p.endswith(".parquet"))


def size(n: int) -> str:
    """Bytes as people read them: '96.3 MB', '58 kB'."""
    return f"{n / MB:,.1f} MB" if n >= MB else f"{n / 1000:,.0f} kB"


@dataclass(frozen=True)
class ShapeProblem:
    path: str
    detail: str


def shape_problems(files: dict[str, bytes], configs: list[str],
                   limits: ParquetLimits = DEFAULT_LIMITS) -> list[ShapeProblem]:
    """What breaks the viewer's and `datasets`' expectations, with the figures: a file over the
    shard limit, a row group over its limit, a column without its page index."""
    problems: list[ShapeProblem] = []
    for config in configs:
        for path in config_paths(config, files):
            meta = pq.ParquetFile(io.BytesIO(files[path])).metadata
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
