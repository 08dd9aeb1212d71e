"""A download tier's landing page as a static Hugging Face Space, built from the released zip alone.

The Space holds three files: `index.html` (the landing page: what the file holds, one
conversation, the lead form), `README.md` (the Space's configuration: `sdk: static`, per the
Hub's Spaces configuration reference) and the tier's zip. The form stores the lead in Supabase
with the publishable key, then reveals the zip's link (`…/spaces/ID/resolve/main/TIER.zip`).

How strong that gate is, said plainly (docs/funnel.md): the zip is a file of a public
Space, so anyone who reads the Space's files can download it without the form. The form is a
polite toll, not a lock — right for a free lead magnet whose value is the contact, not the bytes.
A tier worth locking goes to the Hub gated, or to a private Storage bucket with signed links.

Everything comes from the zip and its manifest (`release.json`), so the Publish page and
`cli publish eq-100.zip` build byte-identical Spaces.
"""

from __future__ import annotations

import io
import json
import os
import zipfile
from collections.abc import Mapping
from typing import Any

import yaml
from pydantic import BaseModel, SecretStr

from services.funnel.landing import LandingForm, landing_page
from services.marketing.kit import excerpt_of
from services.release.card.facts import CardFacts
from services.release.errors import ReleaseError
from services.release.manifest import MANIFEST
from services.strategy.links import repo_url
from services.supabase.config import ENV_URL, publishable_key

INDEX = "index.html"
SPACE_README = "README.md"


class LeadCapture(BaseModel):
    """Where the landing form sends its leads: the Supabase project and its publishable key."""

    supabase_url: str
    publishable_key: SecretStr


def lead_capture_from(values: Mapping[str, Any] | None = None,
                      environ: Mapping[str, str] | None = None) -> LeadCapture | None:
    """The project URL and publishable key from a secrets section (`url`, `publishable_key`) or the
    environment (SUPABASE_URL, SUPABASE_PUBLISHABLE_KEY); None when either is missing."""
    env = os.environ if environ is None else environ
    url = str((values or {}).get("url") or env.get(ENV_URL) or "").strip()
    key = publishable_key(values, env)
    return LeadCapture(supabase_url=url, publishable_key=SecretStr(key)) if url and key else None


def zip_contents(data: bytes) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The manifest and the conversation rows of a download tier's zip; `ReleaseError` says what is wrong."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            manifest = json.loads(archive.read(MANIFEST))
            rows = [json.loads(line) for line in archive.read("conversations.jsonl").splitlines() if line.strip()]
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise ReleaseError(f"not a download tier's zip written by `bundle` ({exc})") from None
    if manifest.get("channel") != "download":
        raise ReleaseError(f"tier '{manifest.get('tier')}' is a {manifest.get('channel')} tier, not a download tier")
    return manifest, rows


def _featured(rows: list[dict[str, Any]], featured: str | None) -> dict[str, Any] | None:
    return next((r for r in rows if r["conversation_id"] == featured), rows[0] if rows else None)


def space_readme(title: str, license_id: str, summary: str) -> str:
    """The Space's README: its configuration (YAML) and one paragraph."""
    config = {"title": title, "emoji": "💬", "colorFrom": "indigo", "colorTo": "green", "sdk": "static",
              "app_file": INDEX, "pinned": False, "license": license_id}
    return f"---\n{yaml.safe_dump(config, sort_keys=False, allow_unicode=True)}---\n\n{summary}\n"


def space_files(zip_data: bytes, space_id: str, endpoint: str, capture: LeadCapture,
                title: str | None = None) -> dict[str, bytes]:
    """Everything the landing Space holds: the page, its README and the zip."""
    manifest, rows = zip_contents(zip_data)
    plan = manifest.get("plan") or {}
    tier_name = manifest["tier"]
    tier: dict[str, Any] = next((t for t in plan.get("tiers", []) if t.get("name") == tier_name), {})
    privacy = plan.get("privacy_url")
    if not privacy:
        raise ReleaseError("the landing page needs the plan's privacy notice (privacy_url): set it on the Strategy "
                           "page, then build the tier again")
    facts = CardFacts.model_validate(manifest["facts"])
    title = title or f"{tier_name.upper()}: financial EQ conversations"
    summary = ("Multi-turn conversations between a financial-planning advisor and clients moving through emotional "
               "arcs, in the chat format TRL trains on.")
    row = _featured(rows, tier.get("featured_conversation"))
    file_name = f"{tier_name}.zip"
    form = LandingForm(supabase_url=capture.supabase_url, publishable_key=capture.publishable_key,
                       privacy_url=privacy, space_id=space_id, tier=tier_name, file_name=file_name,
                       download=f"{repo_url(endpoint, 'space', space_id)}/resolve/main/{file_name}")
    page = landing_page(title, summary, manifest.get("license", ""), facts,
                        excerpt_of(row, title, turns=2) if row else None, form)
    about = (f"{facts.supervised_examples:,} supervised examples in {facts.conversations:,} conversations. "
             f"{summary} Fill in the form on this Space to get `{file_name}`.")
    return {INDEX: page.encode("utf-8"),
            SPACE_README: space_readme(title, manifest.get("license", "other"), about).encode("utf-8"),
            file_name: zip_data}
