"""An append-only log of pydantic records, one JSON object per line.

Each append is flushed and fsynced, so a crash loses at most the line being written; `read`
skips such a torn line instead of failing. Used wherever the studio keeps a history without
Supabase: releases, traction snapshots, access decisions.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Generic, TypeVar

from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)
_LOCK = threading.Lock()  # one writer at a time within the process (Streamlit runs sessions in threads)


class JsonlLog(Generic[M]):
    """Records of one model in one file."""

    def __init__(self, path: Path, model: type[M]) -> None:
        self.path = Path(path)
        self.model = model
        self.where = f"local file {self.path}"

    def append(self, record: M) -> None:
        """Add one record as a line, flushed and synced."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = record.model_dump_json() + "\n"
        with _LOCK, self.path.open("a", encoding="utf-8") as out:
            out.write(line)
            out.flush()
            os.fsync(out.fileno())

    def read(self) -> list[M]:
        """Every record, in the order written; a damaged line is skipped, not fatal."""
        if not self.path.exists():
            return []
        records = []
        for line in self.path.read_text(encoding="utf-8").splitlines():
            try:
                records.append(self.model.model_validate_json(line))
            except ValidationError:
                continue  # a torn last line
        return records
