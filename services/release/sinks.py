"""Where a release's files are written while it is built: memory (a small release the app shows) or a
staging folder on disk (the `bundle` command at any size: the files grow with the export, so they are
never held whole). Both hand back `FileSource`s, which everything downstream reads the same way."""

from __future__ import annotations

import io
from pathlib import Path
from typing import BinaryIO, Protocol

from services.utils.files import FileSource


class Sink(Protocol):
    """Opens a release file for writing, renames one, and lists what was written."""

    def open(self, path: str) -> BinaryIO:
        """A new file at `path` (relative to the release), open for writing."""

    def rename(self, old: str, new: str) -> None:
        """Give a written file its final name (shards are named once their count is known)."""

    def files(self) -> dict[str, FileSource]:
        """Every file written: path → bytes or its file on disk."""


class _KeptBuffer(io.BytesIO):
    """A buffer that hands its bytes to the sink when closed."""

    def __init__(self, on_close: dict[str, bytes], path: str) -> None:
        super().__init__()
        self._store, self._path = on_close, path

    def close(self) -> None:
        if not self.closed:
            self._store[self._path] = self.getvalue()
        super().close()


class MemorySink:
    """Files as bytes: for releases small enough to show, check and download from the app."""

    def __init__(self) -> None:
        self._files: dict[str, bytes] = {}

    def open(self, path: str) -> BinaryIO:  # noqa: D102 (the protocol's)
        return _KeptBuffer(self._files, path)

    def rename(self, old: str, new: str) -> None:  # noqa: D102
        self._files[new] = self._files.pop(old)

    def files(self) -> dict[str, FileSource]:  # noqa: D102
        return dict(self._files)


class FolderSink:
    """Files under `folder` (a staging folder: `Bundle.write` moves them into place by renaming)."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self._paths: dict[str, Path] = {}

    def open(self, path: str) -> BinaryIO:  # noqa: D102
        target = self.folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        self._paths[path] = target
        return target.open("wb")

    def rename(self, old: str, new: str) -> None:  # noqa: D102
        target = self.folder / new
        target.parent.mkdir(parents=True, exist_ok=True)
        self._paths.pop(old).replace(target)
        self._paths[new] = target

    def files(self) -> dict[str, FileSource]:  # noqa: D102
        return dict(self._paths)
