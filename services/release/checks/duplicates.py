"""Duplicates: identical dialogues, and edited copies found by locality-sensitive hashing.

Each conversation's dialogue is a set of word 5-grams (lower-cased, punctuation dropped), each gram a
64-bit hash. Everything runs on Arrow and NumPy arrays a batch of rows at a time, so the check
costs seconds and a few bytes per conversation at 100,000 conversations:

- identical dialogues share the digest of their normalised messages;
- a signature of `BINS` minima per conversation (one-permutation hashing with rotation
  densification: Li, Owen & Zhang 2012; Shrivastava & Li 2014), cut into `BANDS` bands of `ROWS`,
  proposes as candidates the pairs that share a band: a pair whose Jaccard similarity is 0.8 is
  proposed with probability 1 - (1 - 0.8^8)^16 ≈ 0.95, one at 0.9 with ≈ 1.0;
- a candidate whose signatures agree on fewer than `ESTIMATE_FLOOR` of their bins is dropped
  (templated conversations share a band by the thousand at similarities of 0.3 to 0.6);
- each remaining pair is then measured exactly on its grams (spilled to a temporary file in the one pass
  over the rows, read back memory-mapped), so a reported similarity is the true share of 5-grams in common.

Memory stays with the conversations' signatures (1 KiB each): the candidate pairs are made and measured
a million at a time, and no conversation's grams are held beyond its pairs.
"""

from __future__ import annotations

import hashlib
import string
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from services.dataset.mapped import let_go
from services.release.checks.report import CheckResult, Place, Places, passed

NAME = "duplicates"
NEAR_DUPLICATE = 0.8  # Jaccard similarity of the word 5-grams of two dialogues
SHINGLE_WORDS = 5
BINS = 128  # signature length (the top 7 bits of a gram's hash choose its bin)
BANDS, ROWS = 16, 8  # BANDS × ROWS = BINS
ESTIMATE_FLOOR = 0.7  # a candidate whose signatures agree on fewer bins is not measured: a pair at 0.8
# agrees on 0.8 ± 0.035 of its 128 bins, so it falls below 0.7 once in 400
_DROP = str.maketrans("", "", string.punctuation + "“”‘’—–…")
_EMPTY = np.uint64(2**64 - 1)
_VALUE_BITS = np.uint64(57)
_VALUE_MASK = np.uint64(2**57 - 1)
_MULTIPLIERS = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0x27D4EB2F165667C5,
                         0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53, 0x85EBCA77C2B2AE63, 0xD6E8FEB86659FD93],
                        dtype=np.uint64)  # odd constants that weigh each position of a gram or a band
_ROTATION = np.uint64(0x9E3779B97F4A7C15)  # what a borrowed bin adds per step it is borrowed across


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: every input bit moves every output bit."""
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


@dataclass
class _Batch:
    """One batch of conversations, normalised: ids, dialogue digests, and each one's gram hashes."""

    ids: list[str]
    digests: np.ndarray  # (n, 2) uint64: two independent hashes of the normalised dialogue
    grams: np.ndarray  # uint64 gram hashes, grouped by conversation
    owner: np.ndarray  # the conversation (index in `ids`) of each gram


def _words(dialogues: pa.ListArray) -> tuple[pa.ListArray, np.ndarray]:
    """Each non-system message's words as written (split on Unicode whitespace), and each message's
    conversation. Lower-casing and dropping punctuation never split a word, so they are applied to the
    batch's distinct words only (`_word_hashes`): a few thousand, not a few million."""
    flat = pc.list_flatten(dialogues)
    keep = pc.not_equal(pc.struct_field(flat, "role"), "system").fill_null(True)
    content = pc.filter(pc.struct_field(flat, "content").fill_null(""), keep)
    owner = np.asarray(pc.filter(pc.list_parent_indices(dialogues), keep), dtype=np.int64)
    return pc.utf8_split_whitespace(content), owner


def _word_hashes(words: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """A 64-bit hash per word, normalised (lower-cased, punctuation dropped) and hashed once per distinct
    word of the batch; and which words are left (a word of punctuation alone is no word)."""
    encoded = pc.dictionary_encode(words)
    normal = [w.lower().translate(_DROP) for w in encoded.dictionary.to_pylist()]
    distinct = b"".join(hashlib.blake2b(w.encode(), digest_size=8).digest() for w in normal)
    table = np.frombuffer(distinct, dtype="<u8").astype(np.uint64)
    kept = np.array([bool(w) for w in normal], dtype=bool)
    indices = np.asarray(encoded.indices, dtype=np.int64)
    if not len(table):
        return np.zeros(0, np.uint64), np.zeros(0, bool)
    return table[indices], kept[indices]


def _grams(word_hash: np.ndarray, word_owner: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """The 5-gram hashes of each conversation (a dialogue of five words or fewer is one gram of all of them)."""
    counts = np.bincount(word_owner, minlength=n)
    grams, owners = [], []
    k = SHINGLE_WORDS
    if len(word_hash) >= k:
        combined = np.zeros(len(word_hash) - k + 1, dtype=np.uint64)
        for i in range(k):
            combined += word_hash[i:len(word_hash) - k + 1 + i] * _MULTIPLIERS[i]
        whole = (word_owner[: len(combined)] == word_owner[k - 1:]) & (counts[word_owner[: len(combined)]] > k)
        grams.append(_mix(combined[whole]))
        owners.append(word_owner[: len(combined)][whole])
    short = np.flatnonzero(counts <= k)  # one gram of all its words (an empty dialogue: the empty gram)
    if len(short):
        starts = np.concatenate([[0], np.cumsum(counts)])
        for c in short:
            value = np.uint64(counts[c])
            for i, h in enumerate(word_hash[starts[c]:starts[c + 1]]):
                value += h * _MULTIPLIERS[i]
            grams.append(_mix(np.array([value], dtype=np.uint64)))
            owners.append(np.array([c]))
    gram, owner = np.concatenate(grams), np.concatenate(owners).astype(np.int64)
    if len(grams) == 1:
        return gram, owner  # the windows alone: already grouped by conversation
    order = np.argsort(owner, kind="stable")
    return gram[order], owner[order]


def _digests(word_hash: np.ndarray, word_message: np.ndarray, message_owner: np.ndarray, n: int) -> np.ndarray:
    """(n, 2): two independent 64-bit hashes of each normalised dialogue (its words, where each stands,
    which message holds it, and how many messages there are): equal exactly for identical dialogues,
    bar a 2^-128 chance."""
    first_message = np.searchsorted(message_owner, np.arange(n))
    message = (word_message - first_message[message_owner[word_message]]).astype(np.uint64)
    owner = message_owner[word_message]
    word_starts = np.searchsorted(owner, np.arange(n))
    position = (np.arange(len(word_hash)) - word_starts[owner]).astype(np.uint64)
    messages = np.bincount(message_owner, minlength=n).astype(np.uint64)
    out = np.zeros((n, 2), dtype=np.uint64)
    has_words = np.bincount(owner, minlength=n) > 0
    for column, (a, b) in enumerate(((_MULTIPLIERS[0], _MULTIPLIERS[1]), (_MULTIPLIERS[2], _MULTIPLIERS[3]))):
        terms = _mix(word_hash * a + position * b + message * _MULTIPLIERS[4 + column])
        if len(terms):  # words are grouped by conversation: one sum per run
            out[has_words, column] = np.add.reduceat(terms, word_starts[has_words])
        out[:, column] = _mix(out[:, column] + messages * _MULTIPLIERS[6 + column])
    return out


def _normalise(batch: pa.Table) -> _Batch:
    ids = batch.column("conversation_id").to_pylist()
    words, message_owner = _words(batch.column("messages").combine_chunks())
    word_message = np.asarray(pc.list_parent_indices(words), dtype=np.int64)
    word_hash, kept = _word_hashes(pc.list_flatten(words))
    word_hash, word_message = word_hash[kept], word_message[kept]
    grams, owner = _grams(word_hash, message_owner[word_message], len(ids))
    return _Batch(ids, _digests(word_hash, word_message, message_owner, len(ids)), grams, owner)


def _signatures(grams: np.ndarray, owner: np.ndarray, n: int) -> np.ndarray:
    """(n, BINS): each bin's smallest value, empty bins borrowed from the next filled one (rotation)."""
    signature = np.full(n * BINS, _EMPTY, dtype=np.uint64)
    np.minimum.at(signature, owner * BINS + (grams >> _VALUE_BITS).astype(np.int64), grams & _VALUE_MASK)
    table = signature.reshape(n, BINS)
    positions = np.where(table == _EMPTY, 3 * BINS, np.arange(BINS))
    doubled = np.concatenate([positions, positions + BINS], axis=1)
    nearest = np.minimum.accumulate(doubled[:, ::-1], axis=1)[:, ::-1][:, :BINS]
    rows = np.arange(n)[:, None]
    steps = (nearest - np.arange(BINS)).astype(np.uint64)
    return table[rows, nearest % BINS] + steps * _ROTATION


def _band_keys(signature: np.ndarray) -> np.ndarray:
    """(n, BANDS): one hash per band of `ROWS` bins."""
    bands = signature.reshape(len(signature), BANDS, ROWS)
    return _mix((bands * _MULTIPLIERS[:ROWS]).sum(axis=2, dtype=np.uint64))


PAIRS_PER_STEP = 1 << 20  # candidate pairs made and measured at a time: a band group of 1,000 is half a million


def _candidates(keys: np.ndarray, signatures: np.ndarray) -> np.ndarray:
    """(m, 2) row indices i < j of the pairs that share a band and whose signatures agree on at least
    `ESTIMATE_FLOOR` of their bins, each once. The pairs are made and measured a step at a time and only
    those past the floor kept: at 500,000 templated conversations the bands propose tens of millions."""
    kept = []
    n = len(keys)
    for band in range(BANDS):
        order = np.argsort(keys[:, band], kind="stable")
        ordered = keys[order, band]
        starts = np.flatnonzero(np.concatenate([[True], ordered[1:] != ordered[:-1]]))
        sizes = np.diff(np.concatenate([starts, [len(ordered)]]))
        for size in np.unique(sizes[sizes > 1]):
            a, b = np.triu_indices(int(size), 1)
            groups = starts[sizes == size]
            per_step = max(1, PAIRS_PER_STEP // len(a))
            for at in range(0, len(groups), per_step):
                members = order[groups[at:at + per_step][:, None] + np.arange(size)]  # (groups, size)
                first, second = members[:, a].ravel(), members[:, b].ravel()
                pairs = np.stack([np.minimum(first, second), np.maximum(first, second)], axis=1)
                pairs = pairs[_estimates(signatures, pairs) >= ESTIMATE_FLOOR]
                kept.append(pairs[:, 0] * n + pairs[:, 1])  # one code per pair
    if not kept:
        return np.zeros((0, 2), dtype=np.int64)
    codes = np.unique(np.concatenate(kept))
    return np.stack([codes // n, codes % n], axis=1)


def _estimates(signatures: np.ndarray, pairs: np.ndarray, chunk: int = 65536) -> np.ndarray:
    """Each pair's estimated similarity: the share of signature bins the two agree on."""
    out = np.empty(len(pairs))
    for start in range(0, len(pairs), chunk):
        part = pairs[start:start + chunk]
        out[start:start + chunk] = (signatures[part[:, 0]] == signatures[part[:, 1]]).mean(axis=1)
    return out


class _GramSpill:
    """Each representative's gram hashes, written to a temporary file as the first pass goes and read back
    memory-mapped for the pairs measured: no second pass over the rows, and no conversation's grams held
    beyond its pairs (at 500,000 conversations, a quarter of them are measured)."""

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile(prefix="duplicates-")  # noqa: SIM115  # closed by `close`
        self._bounds = [0]
        self._map: np.ndarray | None = None
        self._distinct: dict[int, np.ndarray] = {}

    def add(self, grams: np.ndarray, owner: np.ndarray, n: int, chosen: list[int]) -> None:
        """The grams of conversations `chosen` (indices among the batch's `n`), in that order."""
        bounds = np.searchsorted(owner, np.arange(n + 1))
        for i in chosen:
            part = grams[bounds[i]:bounds[i + 1]]
            self._file.write(part.tobytes())
            self._bounds.append(self._bounds[-1] + len(part))

    def distinct(self, index: int) -> np.ndarray:
        """Representative `index`'s distinct grams (the last few kept: pairs come sorted by their first)."""
        if index not in self._distinct:
            if self._map is None:
                self._file.flush()
                self._map = np.memmap(self._file, dtype=np.uint64, mode="r") if self._bounds[-1] else \
                    np.zeros(0, dtype=np.uint64)
            if len(self._distinct) >= 4096:
                self._distinct.clear()
                self.let_go()
            self._distinct[index] = np.unique(self._map[self._bounds[index]:self._bounds[index + 1]])
        return self._distinct[index]

    def let_go(self) -> None:
        """Drop the mapped pages read so far from this process's memory (the file stays, cached)."""
        let_go(getattr(self._map, "_mmap", None))

    def close(self) -> None:
        self._distinct.clear()
        self._map = None
        self._file.close()


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """The share of (distinct) grams two dialogues have in common."""
    common = len(np.intersect1d(a, b, assume_unique=True))
    union = len(a) + len(b) - common
    return common / union if union else 1.0


class _Signatures:
    """The representatives' signatures, appended a batch at a time into one array (grown by doubling, or
    sized from the start when the number of rows is known): never a list of batches and their copy."""

    def __init__(self, rows: int | None) -> None:
        self._table = np.empty((rows or 1024, BINS), dtype=np.uint64)
        self.count = 0

    def add(self, signatures: np.ndarray) -> None:
        if self.count + len(signatures) > len(self._table):
            grown = np.empty((max(2 * len(self._table), self.count + len(signatures)), BINS), dtype=np.uint64)
            grown[:self.count] = self._table[:self.count]
            self._table = grown
        self._table[self.count:self.count + len(signatures)] = signatures
        self.count += len(signatures)

    def table(self) -> np.ndarray:
        return self._table[:self.count]


def check_duplicates(conversations: pa.Table | Callable[[], Iterable[pa.Table]],
                     rows: int | None = None) -> CheckResult:
    """Warns about identical dialogues and near-identical ones, naming both and their similarity.
    `conversations`: the rows, or a function that reads them batch by batch (one pass); `rows`: how many
    there are, if known (the signatures' array is then made once)."""
    read = (lambda: [conversations]) if isinstance(conversations, pa.Table) else conversations
    groups: dict[tuple[int, int], list[str]] = {}
    representatives: list[str] = []
    signatures = _Signatures(rows if rows is not None else
                             conversations.num_rows if isinstance(conversations, pa.Table) else None)
    spill = _GramSpill()
    try:
        for batch in read():
            if not batch.num_rows:
                continue
            normal = _normalise(batch)
            first = []
            for i, (cid, digest) in enumerate(zip(normal.ids, normal.digests.tolist(), strict=True)):
                group = groups.setdefault((digest[0], digest[1]), [])
                group.append(cid)
                if len(group) == 1:  # one representative per identical group
                    first.append(i)
            signatures.add(_signatures(normal.grams, normal.owner, len(normal.ids))[first])
            spill.add(normal.grams, normal.owner, len(normal.ids), first)
            representatives += [normal.ids[i] for i in first]
        places = Places()
        for ids in groups.values():
            if len(ids) > 1:
                places.add(Place(conversation_id=ids[0], detail="identical to " + ", ".join(ids[1:])))
        if signatures.count:
            table = signatures.table()
            named = sorted((min(representatives[i], representatives[j]), max(representatives[i], representatives[j]),
                            i if representatives[i] < representatives[j] else j,
                            j if representatives[i] < representatives[j] else i)
                           for i, j in _candidates(_band_keys(table), table).tolist())
            for a, b, i, j in named:
                similarity = jaccard(spill.distinct(i), spill.distinct(j))
                if similarity >= NEAR_DUPLICATE:
                    places.add(Place(conversation_id=a, detail=f"near-identical to {b}: similarity {similarity:.2f}"))
    finally:
        spill.close()
    if places.count:
        return places.result(NAME, "warn", f"{places.count} identical or near-identical conversations")
    return passed(NAME, "no identical or near-identical conversations")
