"""Personal data in the released messages and the card: emails, SSNs, cards, IBANs, phones, addresses.

Three passes keep this fast over hundreds of megabytes, a batch of rows at a time: one RE2 pattern
(in Arrow) picks the messages that could hold any, cheap scans (a run of digits, an `@`) find where
in them, and the exact test runs only around those places. The exact tests
are the maintained libraries where one exists: `python-stdnum` for the Luhn, IBAN and US SSN
rules, `phonenumbers` (Google's libphonenumber) for phone numbers in any country's format.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from phonenumbers import Leniency, PhoneNumber, PhoneNumberMatcher, is_valid_number
from stdnum import iban, luhn
from stdnum.us import ssn

from services.release.checks.released import excerpt
from services.release.checks.report import CheckResult, Place, Places, Status

PHONE_REGION = "US"  # how a number without a country code is read: the advisor's clients are in the US
FULL_NATIONAL_NUMBER = 10  # digits: shorter "possible" numbers (7-digit locals) are mostly amounts
Finder = Callable[[str, int, int], Iterator[tuple[int, int]]]  # spans of personal data in text[lo:hi]

# Cheap scans that find where personal data could be; the exact (slower) tests run only there.
_SCANS = {
    "digits": re.compile(r"\d[\d ()./-]{6,}\d"),
    "at": re.compile("@"),
    "address": re.compile(r"\d{1,6} [A-Z]"),
    "url": re.compile(r"https?://|www\."),
}


@dataclass(frozen=True)
class Kind:
    """One kind of personal data: how bad it is, how to find it exactly, and which scan leads there."""

    name: str
    status: Status
    find: Finder
    scan: str
    before: int  # characters before a scan's hit where the exact match may start
    after: int  # and after it, where it may end
    in_card: bool = True  # the card's own links are calls to action, not personal data


def _matches(pattern: re.Pattern[str], valid: Callable[[str], bool] | None = None) -> Finder:
    def find(text: str, lo: int, hi: int) -> Iterator[tuple[int, int]]:
        for m in pattern.finditer(text, lo, hi):
            if valid is None or valid(m.group()):
                yield m.span()
    return find


def _luhn_valid(candidate: str) -> bool:
    """Card numbers are written with spaces or dashes; the Luhn rule reads the digits."""
    return luhn.is_valid(re.sub(r"\D", "", candidate))


def _is_phone(number: PhoneNumber) -> bool:
    """A number libphonenumber knows is assigned, or a complete national number (a fictional
    555 number still reads as a phone number to whoever downloads the dataset)."""
    return is_valid_number(number) or len(str(number.national_number)) >= FULL_NATIONAL_NUMBER


def _phones(text: str, lo: int, hi: int) -> Iterator[tuple[int, int]]:
    lo = max(text.rfind(" ", 0, lo), text.rfind("\n", 0, lo)) + 1  # never start inside a word
    ends = [i for i in (text.find(" ", hi), text.find("\n", hi)) if i >= 0]
    hi = min(ends, default=len(text))
    for m in PhoneNumberMatcher(text[lo:hi], PHONE_REGION, leniency=Leniency.POSSIBLE):
        if _is_phone(m.number):
            yield lo + m.start, lo + m.end


KINDS = [
    Kind("email address", "block",
         _matches(re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")), "at", 80, 80),
    Kind("US social security number", "block",
         _matches(re.compile(r"(?<![\d-])\d{3}-\d{2}-\d{4}(?![\d-])"), ssn.is_valid), "digits", 16, 4),
    Kind("card number", "block",
         _matches(re.compile(r"(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])"), _luhn_valid),
         "digits", 16, 4),
    Kind("IBAN", "block",
         _matches(re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b"), iban.is_valid),
         "digits", 40, 12),
    Kind("phone number", "block", _phones, "digits", 16, 4),
    Kind("street address", "block",
         _matches(re.compile(r"\b\d{1,6} (?:[A-Z][a-z]+ ){1,3}(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|"
                             r"Ln|Drive|Dr|Court|Ct|Way|Place|Pl|Terrace|Circle)\b\.?")), "address", 2, 80),
    Kind("URL", "warn", _matches(re.compile(r"\bhttps?://[^\s)>\]]+|\bwww\.[^\s)>\]]+")), "url", 2, 400,
         in_card=False),
]


def _candidates(text: str) -> dict[str, list[tuple[int, int]]]:
    return {name: [m.span() for m in scan.finditer(text)] for name, scan in _SCANS.items()}


def _find(kind: Kind, text: str, candidates: dict[str, list[tuple[int, int]]]) -> list[tuple[int, int]]:
    """Spans of `kind` in `text`, looked for only around the scan's candidates."""
    spans: set[tuple[int, int]] = set()
    for start, end in candidates[kind.scan]:
        spans.update(kind.find(text, max(0, start - kind.before), min(len(text), end + kind.after)))
    return sorted(spans)


def check_personal_data(conversations: pa.Table | Iterable[pa.Table], card: str) -> list[CheckResult]:
    """One result per kind of personal data, each place named by conversation and message; the rows are
    read a batch at a time (each batch's messages scanned as one text)."""
    found_in = {kind.name: Places() for kind in KINDS}
    for batch in [conversations] if isinstance(conversations, pa.Table) else conversations:
        _scan_batch(batch, found_in)
    in_card = _candidates(card)
    results = []
    for kind in KINDS:
        places = found_in[kind.name]
        if kind.in_card:
            for a, b in _find(kind, card, in_card):
                places.add(Place(excerpt=excerpt(card, a, b), detail="in the dataset card"))
        plural = f"{kind.name}{'es' if kind.name.endswith('s') else 's'}"
        results.append(places.result(f"personal data: {kind.name}", kind.status,
                                     f"{places.count} {plural} found" if places.count else f"no {kind.name} found"))
    return results


# All the scans as one RE2 pattern (`\d` spelled as Unicode's decimal digits, as Python reads it):
# Arrow runs it over a batch's messages at once, and only the messages it matches are read in Python.
_ANY_SCAN = "|".join(f"(?:{scan.pattern})" for scan in _SCANS.values()).replace(r"\d", r"\p{Nd}")


def _scan_batch(batch: pa.Table, found_in: dict[str, Places]) -> None:
    messages = batch.column("messages").combine_chunks()
    flat = pc.list_flatten(messages)
    content = pc.struct_field(flat, "content").fill_null("")
    hits = np.flatnonzero(np.asarray(pc.match_substring_regex(content, _ANY_SCAN).fill_null(False)))
    if not len(hits):
        return
    ids = batch.column("conversation_id").to_pylist()
    owner = np.asarray(pc.list_parent_indices(messages), dtype=np.int64)
    spoken = np.cumsum(np.asarray(pc.not_equal(pc.struct_field(flat, "role"), "system").fill_null(True)))
    starts = np.asarray(messages.offsets)[:-1] - messages.offsets[0].as_py()
    before = np.where(starts[owner] > 0, spoken[np.maximum(starts[owner] - 1, 0)], 0)  # spoken before the row
    roles = pc.struct_field(flat, "role").take(pa.array(hits)).to_pylist()
    texts = [(ids[owner[i]], int(spoken[i] - before[i]) if role != "system" else None, text)
             for i, role, text in zip(hits, roles, content.take(pa.array(hits)).to_pylist(), strict=True)]
    _scan_texts(texts, found_in)


def _scan_texts(texts: list[tuple[str, int | None, str]], found_in: dict[str, Places]) -> None:
    starts, offset = [], 0
    for _, _, text in texts:
        starts.append(offset)
        offset += len(text) + 1
    joined = "\n".join(t for _, _, t in texts)  # no kind crosses a newline, so none spans two messages
    in_text = _candidates(joined)
    for kind in KINDS:
        for start, end in _find(kind, joined, in_text):
            i = bisect_right(starts, start) - 1
            cid, turn, text = texts[i]
            found_in[kind.name].add(Place(conversation_id=cid, turn=turn, detail=joined[start:end],
                                          excerpt=excerpt(text, start - starts[i], end - starts[i])))
