"""Pre-publish checks: one report per tier, each check pass / warn / block.

Model-free and fast (regular expressions with checksums where the format has one; set
arithmetic for leakage and duplicates), reading the bundle exactly as built. A blocked tier
cannot be published until it is fixed or explicitly overridden with a typed confirmation,
which is recorded in the bundle's release.json.
"""

from __future__ import annotations

import io
import re
import string
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterator
from typing import Literal

import pyarrow as pa
import pyarrow.parquet as pq
from huggingface_hub import DatasetCard
from pydantic import BaseModel, Field

from services import bundle as bundles
from services.card import LICENSE_TEXTS, card_numbers, compute_facts
from services.plans import Plan
from services.sampling import TierSelection
from services.schema import ConsultantProfile

Status = Literal["pass", "warn", "block"]
_ORDER = {"pass": 0, "warn": 1, "block": 2}
SHORT_RESPONSE = 40  # characters
NEAR_DUPLICATE = 0.8  # share of assistant messages two conversations have in common
MAX_PLACES = 50


class Place(BaseModel):
    conversation_id: str | None = None
    turn: int | None = None
    excerpt: str = ""
    detail: str = ""


class CheckResult(BaseModel):
    name: str
    status: Status
    summary: str
    places: list[Place] = Field(default_factory=list)
    count: int = 0


class Override(BaseModel):
    """The owner's typed confirmation that a blocked tier may be published anyway."""

    tier: str
    checks: list[str]
    confirmation: str
    by: str = "owner"
    reason: str = ""


class TierReport(BaseModel):
    tier: str
    checks: list[CheckResult]
    overrides: list[Override] = Field(default_factory=list)

    @property
    def status(self) -> Status:
        return max((c.status for c in self.checks), key=_ORDER.__getitem__, default="pass")

    @property
    def blocked(self) -> bool:
        """Blocked unless every blocking check is covered by an override."""
        overridden = {name for o in self.overrides for name in o.checks}
        return any(c.status == "block" and c.name not in overridden for c in self.checks)


def confirmation_phrase(tier: str) -> str:
    return f"publish {tier} anyway"


def override(report: TierReport, typed: str, by: str = "owner", reason: str = "") -> Override:
    """Accept an override only if the owner typed the exact phrase."""
    expected = confirmation_phrase(report.tier)
    if typed.strip() != expected:
        raise ValueError(f"type “{expected}” to publish a blocked tier")
    return Override(tier=report.tier, checks=[c.name for c in report.checks if c.status == "block"],
                    confirmation=typed.strip(), by=by, reason=reason)


# --- personal data -------------------------------------------------------------------------------
def _luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _iban_ok(candidate: str) -> bool:
    s = candidate.replace(" ", "")
    if not 15 <= len(s) <= 34:
        return False
    moved = s[4:] + s[:4]
    number = "".join(str(int(ch, 36)) for ch in moved)
    return int(number) % 97 == 1


# Cheap scans that find where personal data could be; the exact (slower) patterns run only there.
_SCANS = {
    "digits": re.compile(r"\d[\d ()./-]{6,}\d"),
    "at": re.compile("@"),
    "address": re.compile(r"\d{1,6} [A-Z]"),
    "url": re.compile(r"https?://|www\."),
}
# kind, status, exact pattern, validator, (scan, margin before, margin after)
_PII: list[tuple[str, Status, re.Pattern[str], object, tuple[str, int, int]]] = [
    ("email address", "block", re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"), None,
     ("at", 80, 80)),
    ("US social security number", "block",
     re.compile(r"(?<![\d-])(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}(?![\d-])"), None, ("digits", 16, 4)),
    ("card number", "block", re.compile(r"(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])"),
     lambda m: _luhn(re.sub(r"\D", "", m)), ("digits", 16, 4)),
    ("IBAN", "block", re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b"), _iban_ok,
     ("digits", 40, 12)),
    ("phone number", "block",
     re.compile(r"(?<![\w$.,-])(?:\+\d{1,3}[ .-]?)?(?:\(\d{3}\)|\d{3})[ .-]\d{3}[ .-]\d{4}(?![\w-])"), None,
     ("digits", 16, 4)),
    ("street address", "block",
     re.compile(r"\b\d{1,6} (?:[A-Z][a-z]+ ){1,3}(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|"
                r"Court|Ct|Way|Place|Pl|Terrace|Circle)\b\.?"), None, ("address", 2, 80)),
    ("URL", "warn", re.compile(r"\bhttps?://[^\s)>\]]+|\bwww\.[^\s)>\]]+"), None, ("url", 2, 400)),
]


def _excerpt(text: str, start: int, end: int, width: int = 30) -> str:
    lo, hi = max(0, start - width), min(len(text), end + width)
    return ("…" if lo else "") + text[lo:hi].replace("\n", " ") + ("…" if hi < len(text) else "")


def _released_texts(conversations: pa.Table) -> Iterator[tuple[str, int | None, str]]:
    """(conversation id, message number, text) for every message that would be released
    (the system prompt has no number; the first user message is 1)."""
    for row in conversations.select(["conversation_id", "messages"]).to_pylist():
        position = 0
        for m in row["messages"]:
            if m["role"] != "system":
                position += 1
            yield row["conversation_id"], position if m["role"] != "system" else None, m["content"]


def _candidates(text: str) -> dict[str, list[tuple[int, int]]]:
    return {name: [m.span() for m in scan.finditer(text)] for name, scan in _SCANS.items()}


def _find(pattern: re.Pattern[str], valid: object, scan: tuple[str, int, int], text: str,
          candidates: dict[str, list[tuple[int, int]]]) -> list[tuple[int, int]]:
    """Spans of `pattern` in `text`, looked for only around the scan's candidates: the exact
    patterns are slow over tens of megabytes, the scans are not."""
    name, before, after = scan
    spans: set[tuple[int, int]] = set()
    for start, end in candidates[name]:
        lo = max(0, start - before)
        for m in pattern.finditer(text, lo, end + after):
            if valid is None or valid(m.group()):
                spans.add(m.span())
    return sorted(spans)


def check_personal_data(conversations: pa.Table, card: str) -> list[CheckResult]:
    texts = list(_released_texts(conversations))
    starts, offset = [], 0
    for _, _, text in texts:
        starts.append(offset)
        offset += len(text) + 1
    joined = "\n".join(t for _, _, t in texts)  # no pattern crosses a newline, so none spans two messages
    in_text, in_card = _candidates(joined), _candidates(card)
    results = []
    for kind, status, pattern, valid, scan in _PII:
        places = []
        for start, end in _find(pattern, valid, scan, joined, in_text):
            i = bisect_right(starts, start) - 1
            cid, turn, text = texts[i]
            places.append(Place(conversation_id=cid, turn=turn, detail=joined[start:end],
                                excerpt=_excerpt(text, start - starts[i], end - starts[i])))
        if kind != "URL":  # the card's own links are calls to action
            places += [Place(excerpt=_excerpt(card, a, b), detail="in the dataset card")
                       for a, b in _find(pattern, valid, scan, card, in_card)]
        results.append(CheckResult(
            name=f"personal data: {kind}", status=status if places else "pass", count=len(places),
            summary=(f"{len(places)} {kind}{'es' if kind.endswith('s') else 's'} found" if places
                     else f"no {kind} found"), places=places[:MAX_PLACES]))
    return results


# --- leakage, duplicates, content --------------------------------------------------------------------
def reserved_for(plan: Plan, tier_name: str, selections: dict[str, TierSelection]) -> dict[str, str]:
    """Conversation id → why a hub tier must not hold it: it is handed out for an email (a download
    tier), kept in a tier the plan declares disjoint, or pinned out of this tier."""
    tier = plan.tier(tier_name)
    reserved: dict[str, str] = {cid: f"pinned out of '{tier_name}'" for cid in tier.selection.pin_out}
    for other in plan.tiers:
        if other.name == tier_name or other.name not in selections:
            continue
        disjoint = any(r.kind == "disjoint_from" and r.tier == tier_name for r in other.relations) or any(
            r.kind == "disjoint_from" and r.tier == other.name for r in tier.relations)
        if other.channel == "download" or (other.channel == "private" and disjoint) or disjoint:
            for cid in selections[other.name].conversation_ids:
                reserved.setdefault(cid, f"reserved for '{other.name}' ({other.channel})")
    return reserved


def check_leakage(plan: Plan, tier_name: str, released_ids: list[str],
                  selections: dict[str, TierSelection]) -> CheckResult:
    if not plan.tier(tier_name).channel.startswith("hub_"):
        return CheckResult(name="leakage", status="pass", summary="not a Hub tier")
    reserved = reserved_for(plan, tier_name, selections)
    leaked = [Place(conversation_id=cid, detail=reserved[cid]) for cid in released_ids if cid in reserved]
    if leaked:
        return CheckResult(name="leakage", status="block", count=len(leaked), places=leaked[:MAX_PLACES],
                           summary=f"{len(leaked)} conversations the plan reserves for another tier would be public")
    return CheckResult(name="leakage", status="pass", summary="no conversation reserved for another tier")


_PUNCTUATION = str.maketrans("", "", string.punctuation + "“”‘’—–…")


def _normalize(text: str) -> str:
    return " ".join(text.lower().translate(_PUNCTUATION).split())


def check_duplicates(conversations: pa.Table) -> CheckResult:
    """Identical dialogues, and near-identical ones (most assistant messages in common)."""
    rows = conversations.select(["conversation_id", "messages"]).to_pylist()
    whole: dict[tuple[str, ...], list[str]] = defaultdict(list)
    answers: dict[str, set[str]] = {}
    by_answer: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        cid = row["conversation_id"]
        dialogue = [(m["role"], _normalize(m["content"])) for m in row["messages"] if m["role"] != "system"]
        whole[tuple(text for _, text in dialogue)].append(cid)
        answers[cid] = {text for role, text in dialogue if role == "assistant"}
        for a in answers[cid]:
            by_answer[a].add(cid)
    places = [Place(conversation_id=ids[0], detail="identical to " + ", ".join(ids[1:]))
              for ids in whole.values() if len(ids) > 1]
    identical = {cid for ids in whole.values() if len(ids) > 1 for cid in ids}
    shared: dict[tuple[str, str], int] = defaultdict(int)
    for ids in by_answer.values():
        if 1 < len(ids) <= 50:  # a stock sentence shared by many conversations says nothing
            ordered = sorted(ids)
            for i, a in enumerate(ordered):
                for b in ordered[i + 1:]:
                    shared[(a, b)] += 1
    for (a, b), n in sorted(shared.items()):
        union = len(answers[a] | answers[b])
        if a not in identical and n / union >= NEAR_DUPLICATE and min(len(answers[a]), len(answers[b])) >= 2:
            places.append(Place(conversation_id=a, detail=f"near-identical to {b}: {n} of {union} answers shared"))
    if places:
        return CheckResult(name="duplicates", status="warn", count=len(places), places=places[:MAX_PLACES],
                           summary=f"{len(places)} identical or near-identical conversations")
    return CheckResult(name="duplicates", status="pass", summary="no identical or near-identical conversations")


def check_responses(conversations: pa.Table, selection: TierSelection) -> list[CheckResult]:
    short = [Place(conversation_id=cid, turn=turn, excerpt=text[:80])
             for cid, turn, text in _released_texts(conversations)
             if turn is not None and turn % 2 == 0 and len(text.strip()) < SHORT_RESPONSE]
    released = set(conversations.column("conversation_id").to_pylist())
    empty = [Place(conversation_id=cid, detail="no supervised example: left out of the release")
             for cid in selection.conversation_ids if cid not in released]
    return [
        CheckResult(name="short responses", status="warn" if short else "pass", count=len(short),
                    places=short[:MAX_PLACES],
                    summary=(f"{len(short)} assistant responses shorter than {SHORT_RESPONSE} characters" if short
                             else "no empty or very short response")),
        CheckResult(name="conversations without an example", status="warn" if empty else "pass", count=len(empty),
                    places=empty[:MAX_PLACES],
                    summary=(f"{len(empty)} selected conversations have no supervised example" if empty
                             else "every conversation carries a supervised example")),
    ]


# --- the card tells the truth ---------------------------------------------------------------------
def _tables(b: bundles.Bundle) -> tuple[pa.Table, pa.Table]:
    """The two configs as released (Parquet for Hub tiers, JSONL for download tiers)."""
    from services.convert import CONVERSATIONS_SCHEMA, TRAINING_PAIRS_SCHEMA

    if b.channel == "download":
        import msgspec

        def read(name: str, schema: pa.Schema) -> pa.Table:
            rows = [msgspec.json.decode(line) for line in b.files[name].splitlines() if line.strip()]
            return pa.Table.from_pylist(rows, schema=schema)

        return (read("conversations.jsonl", CONVERSATIONS_SCHEMA),
                read("training_pairs.jsonl", TRAINING_PAIRS_SCHEMA))
    return (pq.read_table(io.BytesIO(b.files["data/conversations.parquet"])),
            pq.read_table(io.BytesIO(b.files["data/training_pairs.parquet"])))


def check_card(b: bundles.Bundle, plan: Plan, profile: ConsultantProfile | None, all_cells: int) -> CheckResult:
    problems: list[Place] = []
    tier = plan.tier(b.tier)
    if not tier.license.strip():
        problems.append(Place(detail="no license set"))
    card = DatasetCard(b.card)
    if b.channel != "download":
        configs = card.data.to_dict().get("configs") or []
        for config in configs:
            for data_file in config.get("data_files", []):
                if data_file["path"] not in b.files:
                    problems.append(Place(detail=f"config '{config['config_name']}' points at a missing file "
                                                 f"{data_file['path']}"))
        if {c.get("config_name") for c in configs} != {"conversations", "training_pairs"}:
            problems.append(Place(detail="the card's configs are not conversations and training_pairs"))
    try:
        conversations, pairs = _tables(b)
    except Exception as exc:  # whatever makes a data file unreadable is this check's finding
        problems.append(Place(detail=f"the data files do not load: {exc}"))
    else:
        facts = compute_facts(conversations, pairs, profile, all_cells)
        if facts != b.facts:
            problems.append(Place(detail="the card's figures differ from the data files"))
        allowed = facts.numbers() | set(card_numbers(" ".join(
            [n for group in (facts.personas, facts.arcs, facts.topics) for n, _ in group]
            + [LICENSE_TEXTS.get(tier.license, "")])))
        allowed.add(str(b.manifest.get("citation_year")))
        for number in card_numbers(b.card):
            if number not in allowed:
                problems.append(Place(detail=f"the card states {number}, which no figure of the data gives"))
    if problems:
        return CheckResult(name="card truth", status="block", count=len(problems), places=problems,
                           summary=f"{len(problems)} problems with the card")
    return CheckResult(name="card truth", status="pass",
                       summary="every number on the card matches the data; license set; configs load")


def check_tier(b: bundles.Bundle, plan: Plan, selections: dict[str, TierSelection], profile: ConsultantProfile | None,
               all_cells: int) -> TierReport:
    conversations, _ = _tables(b)
    results = [*check_personal_data(conversations, b.card),
               check_leakage(plan, b.tier, b.conversation_ids, selections),
               check_duplicates(conversations),
               *check_responses(conversations, selections[b.tier]),
               check_card(b, plan, profile, all_cells)]
    return TierReport(tier=b.tier, checks=results)


def attach_report(b: bundles.Bundle, report: TierReport) -> None:
    """Record the checks (and any override) in the bundle's release.json."""
    b.manifest["checks"] = [{"name": c.name, "status": c.status, "summary": c.summary} for c in report.checks]
    b.manifest["check_overrides"] = [o.model_dump() for o in report.overrides]
    b.files[bundles.MANIFEST] = bundles.manifest_bytes(b.manifest)


def check_plan(ds, plan: Plan, selections: dict[str, TierSelection],
               built: dict[str, bundles.Bundle]) -> dict[str, TierReport]:
    """A report per built tier, attached to its bundle's manifest."""
    table = ds.conversation_table
    all_cells = len(set(zip(table["persona_key"], table["arc_key"], strict=True)))
    reports = {}
    for name, b in built.items():
        reports[name] = check_tier(b, plan, selections, ds.consultant_profile, all_cells)
        attach_report(b, reports[name])
    return reports
