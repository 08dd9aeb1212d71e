"""What a check says: one result per check, one report per tier, and the owner's override.

A blocked tier cannot be published until it is fixed or explicitly overridden with a typed
confirmation, which is recorded in the bundle's release.json.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from services.release.errors import OverrideError

Status = Literal["pass", "warn", "block"]
_ORDER = {"pass": 0, "warn": 1, "block": 2}
MAX_PLACES = 50  # places kept per check: enough to find and fix, small enough for the manifest


class Place(BaseModel):
    """Where a check found something: a conversation and message number, or the card."""

    conversation_id: str | None = None
    turn: int | None = None
    excerpt: str = ""
    detail: str = ""


class CheckResult(BaseModel):
    """One check's verdict, with a count and the first `MAX_PLACES` places."""

    name: str
    status: Status
    summary: str
    places: list[Place] = Field(default_factory=list)
    count: int = 0


def passed(name: str, summary: str) -> CheckResult:
    """A check that found nothing."""
    return CheckResult(name=name, status="pass", summary=summary)


def found(name: str, status: Status, places: list[Place], summary: str, count: int | None = None) -> CheckResult:
    """A check that found `places` (its status is `status` when there are any); `count`: how many in all,
    when only the first places were kept (`Places`)."""
    count = len(places) if count is None else count
    return CheckResult(name=name, status=status if count else "pass", count=count,
                       places=places[:MAX_PLACES], summary=summary)


class Places:
    """The places a check finds while it streams through a release: every one counted, the first
    `MAX_PLACES` kept, so a release full of findings still fits in memory and in its manifest."""

    def __init__(self) -> None:
        self.kept: list[Place] = []
        self.count = 0

    def add(self, place: Place) -> None:
        """Count a place (and keep it, among the first)."""
        self.count += 1
        if len(self.kept) < MAX_PLACES:
            self.kept.append(place)

    def result(self, name: str, status: Status, summary: str) -> CheckResult:
        """The check's verdict from what it found."""
        return found(name, status, self.kept, summary, self.count)


class Override(BaseModel):
    """The owner's typed confirmation that a blocked tier may be published anyway."""

    tier: str
    checks: list[str]
    confirmation: str
    by: str = "owner"
    reason: str = ""


class TierReport(BaseModel):
    """Every check of one tier, and the overrides the owner typed."""

    tier: str
    checks: list[CheckResult]
    overrides: list[Override] = Field(default_factory=list)

    @property
    def status(self) -> Status:
        """The worst status of any check."""
        return max((c.status for c in self.checks), key=_ORDER.__getitem__, default="pass")

    @property
    def blocking(self) -> list[CheckResult]:
        """The blocking checks no override covers."""
        overridden = {name for o in self.overrides for name in o.checks}
        return [c for c in self.checks if c.status == "block" and c.name not in overridden]

    @property
    def blocked(self) -> bool:
        """Blocked unless every blocking check is covered by an override."""
        return bool(self.blocking)


def confirmation_phrase(tier: str) -> str:
    """What the owner types to publish a blocked tier: a sentence, not a click."""
    return f"publish {tier} anyway"


def override(report: TierReport, typed: str, by: str = "owner", reason: str = "") -> Override:
    """Accept an override only if the owner typed the exact phrase."""
    expected = confirmation_phrase(report.tier)
    if typed.strip() != expected:
        raise OverrideError(f"type “{expected}” to publish a blocked tier")
    return Override(tier=report.tier, checks=[c.name for c in report.checks if c.status == "block"],
                    confirmation=typed.strip(), by=by, reason=reason)
