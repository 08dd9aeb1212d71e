"""The demo export on disk: generated once per machine, then mapped like any other file.

Generating costs ~0.1 s of the app's first page; reading the cached file costs nothing. The file
name carries the generator's digest, so a changed generator never serves a stale export.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from services.demo import catalog as cat
from services.demo import generator
from services.demo.generator import DEFAULT_SEED, demo_bytes, generate, json_chunks, to_jsonl_bytes
from services.utils.files import write_atomic

CACHE_DIR = Path(__file__).resolve().parents[2] / ".cache" / "demo"


def _generator_version() -> str:
    """A digest of the generator's own source: a cached export is stale the moment either changes."""
    digest = hashlib.sha256()
    for module in (Path(generator.__file__), Path(cat.__file__)):
        digest.update(module.read_bytes())
    return digest.hexdigest()[:16]


def cached_demo(n_conversations: int = cat.BASE_CONVERSATIONS, seed: int = DEFAULT_SEED,
                cache_dir: Path = CACHE_DIR) -> Path | bytes:
    """The demo export as a file generated once per machine (the app then maps it like any file),
    or its bytes where the cache cannot be written (a read-only checkout).

    Generating costs ~0.1 s of the app's first page; reading the cached file costs nothing, and
    the file is what `generate` would give (same seed, same generator version in its name).
    """
    path = cache_dir / f"demo-{n_conversations}-{seed}-{_generator_version()}.json"
    if path.is_file():
        return path
    try:
        return write_demo(path, n_conversations, seed)
    except OSError:
        return demo_bytes(n_conversations, seed)


def write_demo(path: Path, n_conversations: int = cat.BASE_CONVERSATIONS, seed: int = DEFAULT_SEED,
               jsonl: bool = False) -> Path:
    """Write the demo export to `path` (atomically: a half-written file never appears), a conversation at a
    time for the JSON file: half a million conversations are 20 GB."""
    if jsonl:
        return write_atomic(Path(path), to_jsonl_bytes(generate(n_conversations, seed)))
    return write_atomic(Path(path), json_chunks(n_conversations, seed))
