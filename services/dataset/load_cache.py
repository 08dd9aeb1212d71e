"""A finished load kept on disk beside its text store: the same file loads again in a moment.

A folder per load under the store directory, named by a key of what the load depends on: the file
(its size, modification time and a digest of its first and last MiB, or all of an upload's bytes),
its display name (findings name it), the loader's own code, the edge-case arcs and the scaffolding's
names. It holds the text store (`conversations.arrow`), the facts as numpy's own `.npz` (`pairs.npz`,
`conversations.npz`: text columns as codes into their distinct words, so a label reads back as one
string) and the rest as msgpack (`load.msgpack`: the report, the file's blocks, where each key came from,
the words). Neither pickle nor pandas: `stats` stays light, and a kept load holds no code. The folder is
written under a temporary name and renamed whole, so a half-written load is never read; the newest
`KEEP` loads are kept.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from dataclasses import dataclass, fields
from pathlib import Path

import msgspec
import numpy as np

from services.dataset import schema
from services.dataset.columns import PairColumns
from services.dataset.detect import FileFormat
from services.dataset.keys import KeyProvenance, ScaffoldingNames
from services.dataset.report import ValidationReport
from services.dataset.tables import ConversationColumns

KEEP = 3  # loads kept on disk (a store is about a quarter of its export)
EDGE_BYTES = 1 << 20  # the head and the tail digested into a file's key
TEXT = "conversations.arrow"
_PAIRS, _FACTS, _REST = "pairs.npz", "conversations.npz", "load.msgpack"
_SOURCE = Path(__file__).resolve().parent


def store_dir() -> Path:
    """Where loads are kept: `STUDIO_STORE_DIR`, else the checkout's `.cache/stores` (beside the demo's)."""
    return Path(os.environ.get("STUDIO_STORE_DIR") or _SOURCE.parents[1] / ".cache" / "stores")


def _code_version() -> bytes:
    """A digest of the loader's own code: a kept load is stale the moment the code that made it changes."""
    digest = hashlib.sha256()
    for module in sorted(_SOURCE.glob("*.py")):
        digest.update(module.read_bytes())
    return digest.digest()


_VERSION = _code_version()


def load_key(source: Path | bytes, name: str, edge: frozenset[str], names: ScaffoldingNames | None) -> str:
    """The key of a load: equal keys give equal datasets."""
    digest = hashlib.sha256(_VERSION)
    if isinstance(source, Path):
        stat = source.stat()
        digest.update(f"{stat.st_size}:{stat.st_mtime_ns}:".encode())
        with source.open("rb") as handle:
            digest.update(handle.read(EDGE_BYTES))
            handle.seek(max(0, stat.st_size - EDGE_BYTES))
            digest.update(handle.read(EDGE_BYTES))
    else:
        digest.update(hashlib.sha256(source).digest())
    scaffolding = None if names is None else ({d: sorted(m.items()) for d, m in names.by_dimension.items()},
                                              {d: sorted(m.items()) for d, m in names.names_by_key.items()})
    digest.update(msgspec.json.encode([name, sorted(edge), scaffolding]))
    return digest.hexdigest()[:32]


class _Rest(msgspec.Struct):
    format: FileFormat
    report: ValidationReport
    file_metadata: schema.FileMetadata | None
    consultant_profile: schema.ConsultantProfile | None
    key_provenance: list[KeyProvenance]
    emotions: list[str]
    bad_system_prompts: int
    bad_history: list[tuple[str, int]]
    words: dict[str, list[str | None]]  # each text column's distinct words (`_columns`)


@dataclass(frozen=True)
class SavedLoad:
    """What a load kept: its facts, and the folder holding its text store."""

    folder: Path
    format: FileFormat
    report: ValidationReport
    file_metadata: schema.FileMetadata | None
    consultant_profile: schema.ConsultantProfile | None
    key_provenance: list[KeyProvenance]
    columns: ConversationColumns
    pair_columns: PairColumns


def _columns(values: dict[str, object], path: Path) -> dict[str, list[str | None]]:
    """Write a dataclass's columns to one `.npz`: arrays as they are, text as codes into its distinct words
    (returned, for the JSON beside: a label repeated 500,000 times is kept once)."""
    arrays: dict[str, np.ndarray] = {}
    words: dict[str, list[str | None]] = {}
    for column, value in values.items():
        if isinstance(value, list):
            index: dict[str | None, int] = {}
            arrays[column] = np.fromiter((index.setdefault(v, len(index)) for v in value), dtype=np.int32,
                                         count=len(value))
            words[column] = list(index)
        else:
            arrays[column] = np.asarray(value)
    with path.open("wb") as out:
        np.savez(out, **arrays)  # type: ignore[arg-type]
    return words


def _read(path: Path, words: dict[str, list[str | None]]) -> dict[str, object]:
    """The columns `_columns` wrote; a text column comes back as one string object per distinct word."""
    out: dict[str, object] = {}
    with np.load(path, allow_pickle=False) as stored:
        for column in stored.files:
            array = stored[column]
            if column in words:
                table = words[column]
                out[column] = [table[i] for i in array.tolist()]
            else:
                out[column] = array
    return out


def save(folder: Path, key: str, saved: SavedLoad) -> Path:
    """Keep a finished load (its text store already in `folder`) under `key`; returns its folder."""
    cols = saved.pair_columns
    pairs = {f.name: getattr(cols, f.name) for f in fields(PairColumns)
             if isinstance(getattr(cols, f.name), np.ndarray)}
    _columns(pairs, folder / _PAIRS)
    words = _columns({f.name: getattr(saved.columns, f.name) for f in fields(ConversationColumns)}, folder / _FACTS)
    rest = _Rest(saved.format, saved.report, saved.file_metadata, saved.consultant_profile, saved.key_provenance,
                 cols.emotions, cols.bad_system_prompts, cols.bad_history, words)
    (folder / _REST).write_bytes(msgspec.msgpack.encode(rest))
    final = folder.parent / key
    try:
        folder.rename(final)
    except OSError:  # another process kept the same load first: theirs is as good
        shutil.rmtree(folder, ignore_errors=True)
    _prune(folder.parent)
    return final


def open_saved(key: str) -> SavedLoad | None:
    """The load kept under `key`, or None (never kept, or unreadable: it is then loaded again)."""
    folder = store_dir() / key
    try:
        rest = msgspec.msgpack.decode((folder / _REST).read_bytes(), type=_Rest)
        pairs = _read(folder / _PAIRS, {})
        facts = _read(folder / _FACTS, rest.words)
        os.utime(folder)  # used: the newest are the ones kept
    except (OSError, ValueError, KeyError):  # msgspec's and numpy's errors are ValueErrors
        return None
    pair_columns = PairColumns(**pairs, emotions=rest.emotions,  # type: ignore[arg-type]
                               bad_system_prompts=rest.bad_system_prompts, bad_history=rest.bad_history)
    return SavedLoad(folder=folder, format=rest.format, report=rest.report, file_metadata=rest.file_metadata,
                     consultant_profile=rest.consultant_profile, key_provenance=rest.key_provenance,
                     columns=ConversationColumns(**facts),  # type: ignore[arg-type]
                     pair_columns=pair_columns)


def _age(path: Path) -> float | None:
    """Seconds since `path` was last used; None if it is gone (another process pruned it)."""
    try:
        return time.time() - path.stat().st_mtime
    except OSError:
        return None


def _prune(root: Path) -> None:
    """Keep the `KEEP` most recently used loads; a half-written folder older than a day goes too. Other
    processes prune beside this one: a folder gone meanwhile is simply not there."""
    ages = {p: age for p in root.iterdir() if not p.name.startswith(".") and (age := _age(p)) is not None}
    for stale in sorted(ages, key=ages.__getitem__)[KEEP:]:
        shutil.rmtree(stale, ignore_errors=True)
    for partial in root.glob(".load-*"):
        if (age := _age(partial)) is not None and age > 86_400:
            shutil.rmtree(partial, ignore_errors=True)
