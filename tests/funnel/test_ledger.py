"""The lead ledger: Hub requests and landing leads merged, one row per person, nothing dropped."""

from __future__ import annotations

from datetime import UTC, datetime

from services.funnel import ledger
from services.funnel.leads import LandingLead
from services.hub.requests import AccessRequestRow
from services.strategy.consent import CONSENT_VERSION, MARKETING_FIELD


def _req(status, day, username=None, email=None, fields=None, request_id=None) -> AccessRequestRow:
    return AccessRequestRow(repo_id="brightrun/full", status=status, username=username, fullname=None, email=email,
                            requested_at=datetime(2026, 11, day, tzinfo=UTC), request_id=request_id,
                            fields=fields or {})


def _lead(email, day, consent=False, tier="eq-100") -> LandingLead:
    return LandingLead(created_at=datetime(2026, 11, day, tzinfo=UTC), email=email, name="Grace",
                       marketing_consent=consent, consent_version=CONSENT_VERSION, space_id=f"brightrun/{tier}",
                       tier=tier)


TIERS = {"brightrun/full": "full", "brightrun/eq-100": "eq-100"}


def test_a_person_who_came_through_both_is_one_row_with_both_sources():
    people = ledger.build([_req("accepted", 20, "grace", "Grace@Example.org", {MARKETING_FIELD: "No"})],
                          [_lead("grace@example.org", 22, consent=True)], TIERS)
    (grace,) = people
    assert grace.email == "Grace@Example.org" and grace.hub_user == "grace"
    assert [(s.kind, s.where, s.tier) for s in grace.sources] == [("hub", "brightrun/full", "full"),
                                                                  ("landing", "brightrun/eq-100", "eq-100")]
    assert grace.first_seen == datetime(2026, 11, 20, tzinfo=UTC)
    # The "yes" typed later on a public form, where anyone can type her address, does not undo her "no".
    assert (grace.status, grace.marketing_consent, grace.consent_version) == ("accepted", False, CONSENT_VERSION)
    assert grace.address == ledger.FROM_HUB


def test_a_later_answer_from_the_persons_hub_account_counts_and_pending_comes_first():
    people = ledger.build([_req("pending", 25, "ada", "ada@example.org", {MARKETING_FIELD: "No"})],
                          [_lead("ada@example.org", 21, consent=True)], TIERS)
    assert (people[0].status, people[0].marketing_consent) == ("pending", False)  # withdrawn on the Hub later
    people = ledger.build([_req("accepted", 25, "ada", "ada@example.org", {MARKETING_FIELD: "Yes"})],
                          [_lead("ada@example.org", 21, consent=False)], TIERS)
    assert people[0].marketing_consent is True  # given later from her own account


def test_a_forged_yes_on_another_landing_page_does_not_become_consent_but_a_no_always_withdraws():
    forged = ledger.build([], [_lead("grace@example.org", 20, consent=False),
                               _lead("grace@example.org", 28, consent=True, tier="full")], TIERS)
    assert forged[0].marketing_consent is False and forged[0].address == ledger.NOT_VERIFIED
    withdrawn = ledger.build([], [_lead("grace@example.org", 20, consent=True),
                                  _lead("grace@example.org", 28, consent=False, tier="full")], TIERS)
    assert withdrawn[0].marketing_consent is False


def test_requests_without_email_or_user_are_kept_and_marked():
    people = ledger.build([_req("pending", 20, username="bob"), _req("pending", 19, request_id="r9"),
                           _req("pending", 18, request_id="r8")], [], TIERS)
    assert [(p.key, p.contact) for p in people] == [("hub user bob", "username only"),
                                                    ("hidden request r9", "hidden"), ("hidden request r8", "hidden")]
    assert people[0].marketing_consent is None  # the form did not ask: never read as a no


def test_the_table_is_what_the_crm_imports():
    people = ledger.build([_req("rejected", 20, "eve", "eve@example.org")], [_lead("grace@example.org", 22)], TIERS)
    table = ledger.table(people)
    assert list(table.columns) == ledger.COLUMNS
    assert table[["email", "address", "status", "tiers", "marketing_consent"]].values.tolist() == [
        ["grace@example.org", ledger.NOT_VERIFIED, "landing", "eq-100", "no"],
        ["eve@example.org", ledger.FROM_HUB, "rejected", "full", "not asked"]]
    assert table.loc[1, "sources"] == "brightrun/full (rejected)"
