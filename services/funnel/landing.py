"""A download tier's landing page: what the file holds, one conversation, and the lead form.

The form is what the page is for, so consent is split the way the law asks: the delivery consent
(the file is sent because the visitor asked) is required; the marketing consent is a separate box,
never ticked in advance, with its exact wording and that wording's version stored with the lead.
The page calls Supabase's `submit_lead` function (supabase/migrations/20261207010000_public_forms.sql) with the
project's publishable key, which may be public; a service-role key is refused here, before it could
leak. Everything the page holds is anyone's, so the page only asks: the database decides what is
stored (one row per call, text normalised and limited, only for a landing page the studio published,
a few tries a minute per visitor, the hidden honeypot field checked) and the page says its answer in
words. A second, short form asks what visitors would like next (free text, an optional email kept
only with its own consent) and calls `submit_feedback` the same way.
"""

from __future__ import annotations

import functools
from pathlib import Path

import jinja2
from pydantic import BaseModel, SecretStr

from services.funnel.submission import EMAIL_MAX, MESSAGE_MAX, NAME_MAX
from services.marketing.kit import Excerpt
from services.release.card.facts import CardFacts
from services.release.errors import ReleaseError
from services.strategy.consent import (
    CONSENT_VERSION,
    DELIVERY_WORDING,
    FEEDBACK_CONSENT_VERSION,
    FEEDBACK_CONTACT_WORDING,
    FEEDBACK_QUESTION,
    MARKETING_WORDING,
    ROLES,
)
from services.supabase.config import key_role

TEMPLATE = Path(__file__).with_name("landing.html.j2")
PUBLIC_ROLES = frozenset({"anon"})  # the only key role a public page may carry


class LandingForm(BaseModel):
    """Where the form posts, and what it records about where a lead came from."""

    supabase_url: str
    publishable_key: SecretStr
    privacy_url: str
    space_id: str
    tier: str
    download: str  # the file's URL, revealed after the lead is stored
    file_name: str


@functools.lru_cache(maxsize=1)
def _template() -> jinja2.Template:
    env = jinja2.Environment(autoescape=True, keep_trailing_newline=True)
    return env.from_string(TEMPLATE.read_text(encoding="utf-8"))


def landing_page(title: str, summary: str, license_id: str, facts: CardFacts, excerpt: Excerpt | None,
                 form: LandingForm) -> str:
    """The page as one HTML file; `ReleaseError` if the key is not one a public page may carry."""
    key = form.publishable_key.get_secret_value()
    if key_role(key) not in PUBLIC_ROLES:  # `sb_publishable_…` keys and anon JWTs read as "anon"
        raise ReleaseError("the landing page needs the project's publishable (anon) key: this key is not one, "
                           "and a public page must never carry a service-role key")
    rest = f"{form.supabase_url.rstrip('/')}/rest/v1"
    config = {"endpoint": f"{rest}/rpc/submit_lead", "feedback_endpoint": f"{rest}/rpc/submit_feedback", "key": key,
              "message_max": MESSAGE_MAX,
              "consent_version": CONSENT_VERSION, "feedback_consent_version": FEEDBACK_CONSENT_VERSION,
              "space_id": form.space_id, "tier": form.tier, "download": form.download, "file": form.file_name}
    return _template().render(
        title=title, summary=summary, license=license_id, facts=facts, excerpt=excerpt, roles=ROLES,
        delivery_wording=DELIVERY_WORDING, marketing_wording=MARKETING_WORDING, privacy_url=form.privacy_url,
        consent_version=CONSENT_VERSION, feedback_question=FEEDBACK_QUESTION,
        feedback_contact_wording=FEEDBACK_CONTACT_WORDING, config=config,
        limits={"email": EMAIL_MAX, "name": NAME_MAX, "message": MESSAGE_MAX})
