"""Duplicates: identical dialogues, and edited copies found by MinHash LSH (`datasketch`).

Each conversation is a set of word 5-grams (lower-cased, punctuation dropped). Locality-sensitive
hashing proposes pairs whose estimated Jaccard similarity passes `NEAR_DUPLICATE`; each proposed
pair is then measured exactly, so a reported similarity is the true share of 5-grams in common.
"""

from __future__ import annotations

import functools
import string
import zlib
from collections import defaultdict

import pyarrow as pa
from datasketch import MinHash, MinHashLSH

from services.release.checks.report import CheckResult, Place, found, passed

NAME = "duplicates"
NEAR_DUPLICATE = 0.8  # Jaccard similarity of the word 5-grams of two dialogues
SHINGLE_WORDS = 5
NUM_PERM = 128  # MinHash permutations: the LSH's false-negative rate at 0.8 stays near zero
SEED = 1  # the same hash functions for every conversation (and every run)
SCHEME = "affine32"  # datasketch 2.x default: 32-bit hashes, as CRC-32 gives
_PUNCTUATION = str.maketrans("", "", string.punctuation + "“”‘’—–…")


def _normalize(text: str) -> str:
    return " ".join(text.lower().translate(_PUNCTUATION).split())


def shingles(messages: list[str]) -> set[str]:
    """The word 5-grams of a dialogue (a shorter dialogue is one shingle)."""
    words = " ".join(_normalize(m) for m in messages).split()
    if len(words) <= SHINGLE_WORDS:
        return {" ".join(words)}
    return {" ".join(words[i:i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1)}


def jaccard(a: set[str], b: set[str]) -> float:
    """The share of shingles two dialogues have in common."""
    return len(a & b) / len(a | b) if a or b else 1.0


@functools.cache
def _permutations() -> tuple:
    """The hash functions, drawn once (datasketch draws them again for every MinHash otherwise)."""
    return MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME).permutations


def _signature(grams: set[str]) -> MinHash:
    # CRC-32 (C, stable across processes) instead of datasketch's default SHA-1 in Python: 5× faster
    m = MinHash(num_perm=NUM_PERM, hashfunc=zlib.crc32, permutations=_permutations(), scheme=SCHEME)
    m.update_batch([g.encode() for g in grams])
    return m


def check_duplicates(conversations: pa.Table) -> CheckResult:
    """Warns about identical dialogues and near-identical ones, naming both and their similarity."""
    dialogues: dict[tuple[str, ...], list[str]] = defaultdict(list)
    grams: dict[str, set[str]] = {}
    for row in conversations.select(["conversation_id", "messages"]).to_pylist():
        texts = [m["content"] for m in row["messages"] if m["role"] != "system"]
        dialogues[tuple(_normalize(t) for t in texts)].append(row["conversation_id"])
    places = [Place(conversation_id=ids[0], detail="identical to " + ", ".join(ids[1:]))
              for ids in dialogues.values() if len(ids) > 1]
    for dialogue, ids in dialogues.items():  # one representative per identical group
        grams[ids[0]] = shingles(list(dialogue))
    lsh = MinHashLSH(threshold=NEAR_DUPLICATE, num_perm=NUM_PERM)
    pairs: set[tuple[str, str]] = set()
    for cid in sorted(grams):
        signature = _signature(grams[cid])
        pairs.update((min(cid, other), max(cid, other)) for other in lsh.query(signature))
        lsh.insert(cid, signature)
    for a, b in sorted(pairs):
        similarity = jaccard(grams[a], grams[b])
        if similarity >= NEAR_DUPLICATE:
            places.append(Place(conversation_id=a, detail=f"near-identical to {b}: similarity {similarity:.2f}"))
    if places:
        return found(NAME, "warn", places, f"{len(places)} identical or near-identical conversations")
    return passed(NAME, "no identical or near-identical conversations")
