"""Sign-in that holds, with roles, against a real OpenID Connect provider (the `oidc-provider-mock`
package on 127.0.0.1) and the real app in Chromium.

`[auth]` is configured as `.streamlit/secrets.toml.example` says; a release is on the test Hub (a
manual-gated repo with a pending access request, a thread to reply to) and leads are in the real
PostgREST. Then, each in a fresh browser: the owner signs in from Leads and lands back on Leads, and
has every guarded control; marketing reads Leads and downloads the CSV but has no enabled Publish,
reply, accept or reject; a stranger with a verified address, and someone who signed up with the
owner's address unverified, get words and nothing else; Log out is in the sidebar; the provider down
is a sentence on the page, before the click and after it.
"""

from __future__ import annotations

import csv
import io
import secrets
import tomllib
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from playwright.sync_api import Page

from services import cli
from services.local_hub.shapes import thread
from tests.conftest import HUB_TOKEN
from tests.support.browser import BROWSER, assert_no_exception, chromium_page, open_page, wait_until_idle
from tests.support.oidc_provider import RunningProvider, oidc_provider
from tests.support.public_forms import clear
from tests.support.streamlit_server import ROOT, free_port, streamlit_app

pytestmark = BROWSER
PRIVACY = "https://brightrun.ai/privacy"
PREVIEW = "brightrun/financial-eq-billboard-preview"
HYBRID = "brightrun/financial-eq-hybrid-full"
OWNER, MARKETING = "owner@brightrun.example", "marketing@brightrun.example"
USERS = {
    "olga": {"email": OWNER, "email_verified": True, "name": "Olga Owner"},
    "mark": {"email": MARKETING, "email_verified": True, "name": "Mark Eting"},
    "stranger": {"email": "stranger@example.org", "email_verified": True},
    "impostor": {"email": OWNER, "email_verified": False},  # signed up with the owner's address, never verified
}


@pytest.fixture
def world(local_hub, supabase, monkeypatch, tmp_path) -> dict[str, str]:
    """A released Billboard and Hybrid on the test Hub, one lead, one pending request, one thread."""
    clear(supabase.db_uri)
    with psycopg.connect(supabase.db_uri, autocommit=True) as db:
        for table in ("dataset_releases", "traction_snapshots", "access_decisions"):
            db.execute(f"DELETE FROM {table}")
        db.execute("INSERT INTO leads (email, delivery_consent, marketing_consent, consent_version, space_id, tier) "
                   "VALUES ('grace@example.org', true, true, 'v', 'brightrun/financial-eq-billboard-eq-100', "
                   "'eq-100')")
    env = {"HF_TOKEN": HUB_TOKEN, "HF_ENDPOINT": local_hub.url, "SUPABASE_URL": supabase.url,
           "SUPABASE_KEY": supabase.key("service_role"), "SUPABASE_PUBLISHABLE_KEY": supabase.key("anon")}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    out = tmp_path / "release"
    args = ["--privacy-url", PRIVACY, "--no-image"]
    assert cli.main(["bundle", "demo", "--preset", "billboard", "--out", str(out), *args]) == 0
    assert cli.main(["bundle", "demo", "--preset", "hybrid", "--out", str(out / "hybrid"), *args]) == 0
    for release in (out / "preview", out / "hybrid" / "full"):
        assert cli.main(["publish", str(release)]) == 0
    hybrid = local_hub.repos[HYBRID]
    hybrid.gated = "manual"
    hybrid.access_requests.append({"requestId": "alan", "status": "pending", "timestamp": "2026-12-01T09:00:00.000Z",
                                   "user": {"user": "alan", "fullname": "Alan T", "email": "alan@example.org"},
                                   "fields": {"Company": "Bletchley"}})
    local_hub.repos[PREVIEW].discussions = [thread(1, "Does it work with TRL?", "ada", "2026-12-01T10:00:00.000Z")]
    return env


@pytest.fixture
def provider() -> Iterator[RunningProvider]:
    with oidc_provider(USERS) as running:
        yield running


def _secrets(tmp_path, port: int, provider: RunningProvider, supabase, require_login: bool = False) -> str:
    """`.streamlit/secrets.toml` as the example says, for this app's port and this provider."""
    path = tmp_path / "secrets.toml"
    path.write_text(f"""
[auth]
redirect_uri = "http://127.0.0.1:{port}/oauth2callback"
cookie_secret = "{secrets.token_hex(24)}"
client_id = "lead-magnet-studio"
client_secret = "{secrets.token_hex(16)}"
server_metadata_url = "{provider.metadata_url}"

[access]
owners = ["{OWNER}"]
marketing = ["{MARKETING}"]
require_login = {str(require_login).lower()}

[connections.supabase]
url = "{supabase.url}"
key = "{supabase.key("service_role")}"
publishable_key = "{supabase.key("anon")}"
""")
    return str(path)


def _wait_for(page: Page, text: str) -> None:
    """Until the page holds `text` anywhere (a table's cells are in the DOM, hidden behind its canvas)."""
    page.wait_for_function("t => document.body.innerHTML.includes(t)", arg=text, timeout=30_000)


def _main(page: Page):
    return page.locator('[data-testid="stMain"]')


def _sign_in(page: Page, sub: str) -> None:
    """Press the page's Log in, and sign in on the provider's own page as a person would."""
    _main(page).get_by_role("button", name="Log in").click()
    page.wait_for_url("**/oauth2/authorize**", timeout=30_000)
    page.fill("input[name=sub]", sub)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(lambda url: "/oauth2" not in url and "/auth/" not in url, timeout=30_000)
    wait_until_idle(page)
    assert_no_exception(page)


@pytest.fixture
def app(world, provider, supabase, tmp_path) -> Iterator[str]:
    port = free_port()
    env = {**world, "STREAMLIT_SECRETS_FILES": _secrets(tmp_path, port, provider, supabase), "HF_HUB_DISABLE_XET": "1"}
    with streamlit_app(env=env, port=port) as url:
        yield url


def test_the_owner_signs_in_from_leads_lands_back_on_leads_and_has_every_control(app, artifacts):
    with chromium_page(1400, 1600) as page:
        page.goto(f"{app}/leads")
        wait_until_idle(page)
        assert "Sign in to read the leads: it needs the owner or marketing role." in _main(page).inner_text()
        assert "grace@example.org" not in page.content()  # personal data, before anyone signs in
        _sign_in(page, "olga")
        assert page.url.rstrip("/").endswith("/leads")  # back where the sign-in started
        sidebar = page.locator('[data-testid="stSidebar"]')
        assert f"Signed in as {OWNER} · owner" in sidebar.inner_text()
        _wait_for(page, "grace@example.org")
        assert _main(page).get_by_role("button", name="Accept").count() == 1  # decide access
        page.screenshot(path=str(artifacts / "sign-in-owner-leads.png"), full_page=True)
        open_page(page, "Publish")  # on the plan of the newest release: the Hybrid's full set
        go = _main(page).get_by_role("button", name=f"Publish full to {HYBRID}")
        go.wait_for(timeout=60_000)
        assert go.is_enabled()
        open_page(page, "Feedback")
        _main(page).get_by_text("Does it work with TRL?").first.wait_for(timeout=30_000)
        assert "Sign in as owner to reply" not in _main(page).inner_text()
        # Log out, from the sidebar, on any page: the provider ends its session and the studio forgets her.
        sidebar.get_by_role("button", name="Log out").click()
        page.wait_for_url("**/oauth2/end_session**", timeout=30_000)
        page.get_by_role("button").first.click()  # the provider's "end the session" confirmation
        page.wait_for_url(lambda url: "/oauth2/" not in url or url.endswith("/oauth2callback"), timeout=30_000)
        page.goto(f"{app}/leads")
        wait_until_idle(page)
        assert "Signed in as" not in page.locator('[data-testid="stSidebar"]').inner_text()
        assert "grace@example.org" not in page.content()


def test_marketing_reads_the_leads_and_their_csv_and_nothing_more(app, artifacts):
    with chromium_page(1400, 1600) as page:
        page.goto(f"{app}/leads")
        wait_until_idle(page)
        _sign_in(page, "mark")
        assert page.url.rstrip("/").endswith("/leads")
        assert f"Signed in as {MARKETING} · marketing" in page.locator('[data-testid="stSidebar"]').inner_text()
        _wait_for(page, "grace@example.org")
        with page.expect_download() as got:
            _main(page).get_by_role("button", name="Download for the CRM (CSV)").click()
        emails = {r["email"] for r in csv.DictReader(io.StringIO(got.value.path().read_text()))}
        assert {"grace@example.org", "alan@example.org"} <= emails
        main = _main(page)
        assert main.get_by_role("button", name="Accept").count() == 0 and main.get_by_role("button",
                                                                                          name="Reject").count() == 0
        assert "Accept or reject access requests needs the owner role" in main.inner_text()
        page.screenshot(path=str(artifacts / "sign-in-marketing-leads.png"), full_page=True)
        open_page(page, "Publish")
        main.get_by_text("needs the owner role").first.wait_for(timeout=60_000)
        go = main.get_by_role("button", name=f"Publish full to {HYBRID}")
        assert go.count() == 0 or not go.is_enabled()
        open_page(page, "Feedback")
        main.get_by_text("Does it work with TRL?").first.wait_for(timeout=30_000)
        assert "Reply on the Hub as the company needs the owner role" in main.inner_text()
        assert main.get_by_role("button", name="Send").count() == 0


@pytest.mark.parametrize(("sub", "words"), [
    ("stranger", "stranger@example.org has no role here"),
    ("impostor", f"the sign-in provider has not verified {OWNER}"),
])
def test_a_signed_in_account_without_a_verified_role_sees_words_and_no_leads(app, sub, words):
    with chromium_page(1400, 1200) as page:
        page.goto(f"{app}/leads")
        wait_until_idle(page)
        _sign_in(page, sub)
        main = _main(page)
        assert "Signed in, but not allowed" in main.inner_text() and words in main.inner_text()
        assert "grace@example.org" not in page.content()
        open_page(page, "Publish")
        main.get_by_text("Signed in, but not allowed").first.wait_for(timeout=60_000)


def test_the_provider_down_is_a_sentence_before_the_click_and_after_it(world, provider, supabase, tmp_path):
    port = free_port()
    env = {**world, "STREAMLIT_SECRETS_FILES": _secrets(tmp_path, port, provider, supabase)}
    with streamlit_app(env=env, port=port) as url, chromium_page(1400, 1200) as page:
        page.goto(f"{url}/leads")
        wait_until_idle(page)
        _main(page).get_by_role("button", name="Log in").wait_for(timeout=30_000)
        provider.stop()  # it goes down between the page and the click
        _main(page).get_by_role("button", name="Log in").click()
        page.wait_for_url("**/leads?sign_in=unavailable", timeout=30_000)
        wait_until_idle(page)
        assert_no_exception(page)
        assert "Sign-in is unavailable right now" in _main(page).inner_text()
        assert "Authentication error" not in page.content()
        page.goto(f"{url}/publish")  # later visits: said before anyone clicks (the probe's answer is 30 s old)
        wait_until_idle(page)
        page.get_by_role("button", name="Try again").first.click()
        wait_until_idle(page)
        assert "cannot be reached" in _main(page).inner_text()
        assert _main(page).get_by_role("button", name="Log in").count() == 0


def test_the_whole_dashboard_behind_the_sign_in(world, provider, supabase, tmp_path):
    port = free_port()
    env = {**world, "STREAMLIT_SECRETS_FILES": _secrets(tmp_path, port, provider, supabase, require_login=True)}
    with streamlit_app(env=env, port=port) as url, chromium_page(1400, 1200) as page:
        page.goto(f"{url}/coverage")
        wait_until_idle(page)
        assert "This dashboard is for the team: sign in to open it." in _main(page).inner_text()
        assert page.locator('[data-testid="stSidebarNav"]').count() == 0  # not even the page list
        _sign_in(page, "mark")
        assert page.url.rstrip("/").endswith("/coverage")
        page.locator('[data-testid="stSidebarNav"]').wait_for(timeout=30_000)


def test_the_sign_in_written_here_is_the_one_the_example_documents(tmp_path, supabase):
    """The tests configure `[auth]` and `[access]` with exactly the keys `.streamlit/secrets.toml.example` shows."""
    example = (ROOT / ".streamlit" / "secrets.toml.example").read_text().splitlines()
    start = example.index("# [auth]")
    block = []
    for line in example[start:]:
        if not line.startswith("# ") or line.startswith("# (") or line == "#":
            break
        block.append(line[2:])
    documented = tomllib.loads("\n".join(block))
    with oidc_provider({}) as provider:
        written = tomllib.loads(Path(_secrets(tmp_path, 8501, provider, supabase)).read_text())
    assert set(documented) == {"auth", "access"}
    assert set(written["auth"]) == set(documented["auth"]) and set(written["access"]) == set(documented["access"])
