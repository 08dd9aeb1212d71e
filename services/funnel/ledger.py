"""One ledger of leads: Hub access requests of every gated repo and landing-page leads, merged
into one row per person.

A person is their email (case ignored). A Hub request without an email is its user's (`hub user
NAME`), and one the Hub hides entirely stays a row of its own, marked, so nothing is dropped.
Each row keeps every source (repo or Space, tier, status, when, consent), and sums them up:
first seen, the marketing consent the owner can stand behind, whether the address is verified, and
one status — `pending` if any request waits for the owner, else `accepted`, `rejected`, or
`landing` for a person known only from a landing page.

A landing page's form is public: anyone can type anyone's address, so an address typed there is
*not verified* (no confirmation email was sent; the CRM runs its own double opt-in) and a later
"yes" typed there cannot turn that person's "no" into consent. The first answer recorded stands
(times are the server's, set by the database), until the person changes it where the studio knows
it is them (their own Hub account's access form), or withdraws it anywhere: a withdrawal only stops
mail, so any channel may carry it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Literal

import pandas as pd
from pydantic import BaseModel, Field

from services.funnel.leads import LandingLead
from services.hub.requests import AccessRequestRow
from services.strategy.consent import CONSENT_VERSION, MARKETING_FIELD, YES_NO

Status = Literal["pending", "accepted", "rejected", "landing"]
STATUS_ORDER: tuple[Status, ...] = ("pending", "accepted", "rejected", "landing")
COLUMNS = ["email", "address", "name", "hub_user", "status", "sources", "tiers", "marketing_consent",
           "consent_version", "first_seen", "contact"]
NOT_VERIFIED = "not verified"  # typed on a landing page; no confirmation email was sent
FROM_HUB = "Hub account"  # the address of the person's own Hub account


class LeadSource(BaseModel):
    """Where one person came through once: a Hub access request or a landing-page form."""

    kind: Literal["hub", "landing"]
    where: str  # the repo id or the Space id
    tier: str | None = None
    status: Status
    at: datetime
    marketing_consent: bool | None = None  # None: the form did not ask
    consent_version: str | None = None
    request: AccessRequestRow | None = None  # to accept or reject it


class Person(BaseModel):
    """One row of the ledger."""

    key: str
    email: str | None = None
    name: str | None = None
    hub_user: str | None = None
    contact: Literal["email", "username only", "hidden"]
    sources: list[LeadSource] = Field(default_factory=list)

    @property
    def first_seen(self) -> datetime:
        """When the person first came through any source."""
        return min(s.at for s in self.sources)

    @property
    def status(self) -> Status:
        """`pending` first (the owner has something to do), then accepted, rejected, landing."""
        return next(s for s in STATUS_ORDER if any(src.status == s for src in self.sources))

    @property
    def standing_answer(self) -> LeadSource | None:
        """The answer to the marketing question that stands: the first recorded, replaced only by a later
        one from the person's own Hub account, or by a later "no" from anywhere (a withdrawal)."""
        standing = None
        for source in sorted((s for s in self.sources if s.marketing_consent is not None), key=lambda s: s.at):
            if standing is None or source.kind == "hub" or source.marketing_consent is False:
                standing = source
        return standing

    @property
    def marketing_consent(self) -> bool | None:
        """That standing answer; None when no form asked."""
        return self.standing_answer.marketing_consent if self.standing_answer else None

    @property
    def consent_version(self) -> str | None:
        """The wording version of that standing answer."""
        return self.standing_answer.consent_version if self.standing_answer else None

    @property
    def address(self) -> str | None:
        """Where the email comes from: the person's Hub account, or a landing page (not verified)."""
        if self.email is None:
            return None
        from_hub = any(s.kind == "hub" and s.request is not None and s.request.email for s in self.sources)
        return FROM_HUB if from_hub else NOT_VERIFIED


def hub_consent(fields: Mapping[str, object]) -> tuple[bool | None, str | None]:
    """The marketing answer in a Hub access form (a Yes / No select), and its wording's version."""
    answer = fields.get(MARKETING_FIELD)
    if answer not in YES_NO:
        return None, None
    return answer == "Yes", CONSENT_VERSION


def _key(email: str | None, username: str | None, request_id: str | None) -> str:
    if email:
        return email.strip().lower()
    return f"hub user {username}" if username else f"hidden request {request_id or '?'}"


def build(requests: list[AccessRequestRow], leads: list[LandingLead], tiers: Mapping[str, str]) -> list[Person]:
    """The ledger: one `Person` per email (or Hub user), newest first. `tiers` maps repo or Space ids
    to the tier they released (from the release history)."""
    people: dict[str, Person] = {}

    def person(key: str, contact: Literal["email", "username only", "hidden"]) -> Person:
        return people.setdefault(key, Person(key=key, contact=contact))

    for r in requests:
        p = person(_key(r.email, r.username, r.request_id), r.contact)
        p.email = p.email or r.email
        p.name = p.name or r.fullname
        p.hub_user = p.hub_user or r.username
        consent, version = hub_consent(r.fields)
        p.sources.append(LeadSource(kind="hub", where=r.repo_id, tier=tiers.get(r.repo_id), status=r.status,
                                    at=r.requested_at, marketing_consent=consent, consent_version=version, request=r))
    for lead in leads:
        p = person(_key(lead.email, None, None), "email")
        p.email = p.email or lead.email
        p.name = p.name or lead.name
        p.contact = "email"
        p.sources.append(LeadSource(kind="landing", where=lead.space_id or "landing page", tier=lead.tier,
                                    status="landing", at=lead.created_at, marketing_consent=lead.marketing_consent,
                                    consent_version=lead.consent_version))
    return sorted(people.values(), key=lambda p: p.first_seen, reverse=True)


def table(people: list[Person]) -> pd.DataFrame:
    """The ledger flat, one row per person: for the page, the CLI and the CRM's CSV import."""
    rows = [{"email": p.email, "address": p.address, "name": p.name, "hub_user": p.hub_user, "status": p.status,
             "sources": "; ".join(f"{s.where} ({s.status})" for s in p.sources),
             "tiers": ", ".join(dict.fromkeys(s.tier for s in p.sources if s.tier)),
             "marketing_consent": {True: "yes", False: "no", None: "not asked"}[p.marketing_consent],
             "consent_version": p.consent_version, "first_seen": p.first_seen, "contact": p.contact}
            for p in people]
    return pd.DataFrame(rows, columns=COLUMNS)
