"""What the tests of the public forms share: a landing page recorded as the studio records it, a
call of a form function as a stranger's script sends it (from any loopback address, so two "clients"
are two addresses), and the rows the database kept."""

from __future__ import annotations

import json
from typing import Any

import httpx
import psycopg

from services.funnel.landing_pages import LandingPage, SupabaseLandingPages
from services.strategy.consent import CONSENT_VERSION, FEEDBACK_CONSENT_VERSION
from services.supabase.client import connect
from services.supabase.config import settings_from

SPACE, TIER = "brightrun/financial-eq-billboard-eq-100", "eq-100"
LEAD = {"email": "ada@example.com", "name": "Ada", "role": "Research", "delivery_consent": True,
        "marketing_consent": False, "consent_version": CONSENT_VERSION, "space_id": SPACE, "tier": TIER,
        "utm_source": "huggingface", "utm_medium": None, "utm_campaign": None, "website": None}
ANSWER = {"message": "More Roth IRA Conversion conversations, please, and in Spanish.", "email": None,
          "contact_consent": False, "consent_version": None, "space_id": SPACE, "tier": TIER, "website": None}
FEEDBACK_WITH_EMAIL = {**ANSWER, "email": "ada@example.org", "contact_consent": True,
                       "consent_version": FEEDBACK_CONSENT_VERSION}
LEAD_COLUMNS = ("email", "name", "role", "marketing_consent", "consent_version", "space_id", "tier", "utm_source",
                "utm_medium", "utm_campaign")
FEEDBACK_COLUMNS = ("message", "email", "contact_consent", "consent_version", "space_id", "tier")


def record_page(url: str, service_key: str, space_id: str = SPACE, tier: str = TIER) -> None:
    """Record a landing page as publishing does (the service role, through supabase-py)."""
    session = connect(settings_from({"url": url, "key": service_key}, backoff=0.05, timeout=10))
    try:
        SupabaseLandingPages(session).record(LandingPage(space_id=space_id, tier=tier))
    finally:
        session.close()


def clear(db_uri: str, per_client: int = 5, per_page: int = 60) -> None:
    """No lead, answer, page or try left by another test; the limits as given (the defaults by default)."""
    with psycopg.connect(db_uri, autocommit=True) as db:
        for table in ("leads", "feedback", "landing_pages", "private.public_form_tries"):
            db.execute(f"DELETE FROM {table}")
        db.execute("UPDATE private.public_form_settings SET per_client_per_minute = %s, per_page_per_minute = %s",
                   (per_client, per_page))


def call(base: str, key: str, function: str, body: Any = None, *, raw: bytes | None = None,
         content_type: str = "application/json", source: str | None = None,
         headers: dict[str, str] | None = None, client: httpx.Client | None = None) -> httpx.Response:
    """POST /rest/v1/rpc/FUNCTION with the publishable key, as the page (or a script) sends it."""
    data = raw if raw is not None else json.dumps(body).encode()
    sent = {"apikey": key, "Authorization": f"Bearer {key}", "Content-Type": content_type, **(headers or {})}
    if client is not None:
        return client.post(f"{base}/rest/v1/rpc/{function}", content=data, headers=sent)
    with httpx.Client(transport=httpx.HTTPTransport(local_address=source), timeout=30) as one:
        return one.post(f"{base}/rest/v1/rpc/{function}", content=data, headers=sent)


def rows(db_uri: str, table: str) -> list[dict[str, Any]]:
    """The rows a table holds, oldest first, in the columns the forms write."""
    columns = LEAD_COLUMNS if table == "leads" else FEEDBACK_COLUMNS
    with psycopg.connect(db_uri) as db:
        found = db.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY created_at").fetchall()
    return [dict(zip(columns, r, strict=True)) for r in found]
