"""A released file's size and the ids the Hub keeps for it, from bytes or from disk in chunks."""

from __future__ import annotations

import hashlib

import pytest
from huggingface_hub.utils.sha import git_hash

from services.utils import files


@pytest.mark.parametrize("data", [b"", b"# card\n", bytes(range(256)) * 9000], ids=["empty", "small", "2.3 MB"])
def test_a_file_on_disk_has_the_ids_of_its_bytes(tmp_path, data):
    path = tmp_path / "f.bin"
    path.write_bytes(data)
    for source in (data, path):
        assert files.size_of(source) == len(data)
        assert files.sha256_of(source) == hashlib.sha256(data).hexdigest()
        assert files.git_blob_id(source) == git_hash(data)  # huggingface_hub's own blob id
        assert files.read_whole(source) == data


def test_a_large_file_is_read_in_chunks(tmp_path, monkeypatch):
    path = tmp_path / "big.bin"
    path.write_bytes(b"x" * (3 * files.CHUNK + 5))
    reads: list[int] = []
    real_open = type(path).open

    def counting_open(self, *args, **kw):
        handle = real_open(self, *args, **kw)
        real_read = handle.read
        handle.read = lambda n=-1: reads.append(n) or real_read(n)  # type: ignore[method-assign]
        return handle

    monkeypatch.setattr(type(path), "open", counting_open)
    files.sha256_of(path)
    assert reads and all(0 < n <= files.CHUNK for n in reads)  # never `read()` of the whole file
