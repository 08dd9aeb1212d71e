"""Text search over conversations (user messages and assistant responses), on disk like their text.

The index is one lower-cased text per conversation, written once per dataset to a memory-mapped Arrow
file beside the store and searched a batch at a time with Arrow's substring kernel: the Samples page
filters 500,000 conversations without holding their text.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from services.dataset.load_cache import store_dir
from services.dataset.loader import LoadedDataset
from services.dataset.store import MappedColumn

_SCHEMA = pa.schema([("text", pa.large_string())])


class TextIndex:
    """Per conversation (file order), its turns' text lower-cased; `matches` is a case-insensitive AND of words."""

    def __init__(self, ds: LoadedDataset) -> None:
        folder = store_dir()
        try:
            folder.mkdir(parents=True, exist_ok=True)
            where: Path | None = folder
        except OSError:  # a read-only checkout: the system's temporary folder
            where = None
        handle, name = tempfile.mkstemp(prefix="search-", suffix=".arrow", dir=where)
        try:
            with os.fdopen(handle, "wb") as sink, pa.ipc.new_file(sink, _SCHEMA) as writer:
                texts: list[str] = []
                for conv in ds.iter_conversations():
                    texts.append("\n".join(p.current_user_input + "\n" + (p.target_response or "")
                                           for p in conv.training_pairs).lower())
                    if len(texts) == 1024:
                        writer.write_batch(pa.record_batch([pa.array(texts, pa.large_string())], schema=_SCHEMA))
                        texts = []
                writer.write_batch(pa.record_batch([pa.array(texts, pa.large_string())], schema=_SCHEMA))
            self._texts = MappedColumn(Path(name))
        finally:
            Path(name).unlink()  # the map keeps it readable; nothing is left behind on disk
        self.size = len(self._texts)

    def matches(self, query: str) -> list[bool]:
        """Per conversation: does it contain every word of the query (case-insensitive)?"""
        words = query.lower().split()
        if not words:
            return [True] * self.size
        found = []
        for batch in self._texts.batches:
            mask = np.ones(len(batch), dtype=bool)
            for word in words:
                mask &= pc.match_substring(batch, word).to_numpy(zero_copy_only=False)
            found.append(mask)
        self._texts.let_go()
        return np.concatenate(found).tolist()
