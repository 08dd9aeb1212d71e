"""May this tier be published now, and if not, why: the Publish page's rules, in one place.

The page draws the fields and the button; what makes the button live, what the fields mean and
what deserves a warning is decided here, in the order the owner can fix things.
"""

from __future__ import annotations

import hashlib
from typing import Literal

from pydantic import BaseModel, ValidationError

from services.hub.errors import HubError
from services.hub.publish import Gated, PublishOptions, repo_id_problem
from services.release.bundle import Bundle
from services.release.checks.links import check_links
from services.release.checks.report import TierReport
from services.strategy.links import RepoType
from services.strategy.plans import Tier

GateChoice = Literal["off", "auto", "manual"]
GATING: dict[GateChoice, Gated] = {"off": False, "auto": "auto", "manual": "manual"}
LANDING_LINKS = "landing page links"
BAD_OPTIONS = "The repo must be ORG/NAME (letters, digits, `-`, `_`, `.`) and the commit message cannot be empty."


class Verdict(BaseModel):
    """What the checks mean for publishing, as one line with its weight."""

    level: Literal["blocked", "overridden", "passed"]
    text: str


def planned_gate(tier: Tier) -> GateChoice:
    """The gate the plan asks for: a gated tier's mode, or off."""
    return tier.gating.mode if tier.channel == "hub_gated" and tier.gating else "off"


def default_message(tier: str, conversations: int, supervised_examples: int) -> str:
    """The commit message offered: what the release holds, in figures."""
    return f"Release {tier}: {conversations:,} conversations, {supervised_examples:,} supervised examples"


def publish_options(repo_id: str, private: bool, gate: GateChoice, message: str,
                    repo_type: RepoType = "dataset") -> PublishOptions | str:
    """The options as typed, or the sentence saying what is wrong with them."""
    if problem := repo_id_problem(repo_id.strip()):
        return f"The repo cannot be published there: {problem}."
    try:
        return PublishOptions(repo_id=repo_id.strip(), repo_type=repo_type, private=private,
                              gated=GATING[gate] if repo_type == "dataset" else False, commit_message=message.strip())
    except ValidationError:
        return BAD_OPTIONS


def gating_warning(tier: Tier, gate: GateChoice) -> str | None:
    """A gated tier published without its gate gives the data away without the access form."""
    if gate == "off" and tier.channel == "hub_gated":
        return "The plan gates this tier; publishing it ungated gives it away without the access form."
    return None


def release_identity(repo_id: str, manifest: bytes, page: bytes = b"") -> str:
    """What a dry run compared: the repo and the manifest's hash (and a landing Space's page). The
    manifest lists the sha256 of every other file (and the checks and overrides), so its hash
    identifies the whole release without hashing megabytes of Parquet on every rerun."""
    return f"{repo_id}:{hashlib.sha256(manifest + page).hexdigest()}"


def with_landing_check(report: TierReport, b: Bundle, page: str, supabase_host: str) -> TierReport:
    """The tier's report with the landing page's links checked like the card's (the privacy notice
    must be a real page), so the verdict, the table and the Publish button weigh them as one."""
    page_links = check_links(b, {"landing page": page}, frozenset({supabase_host}))
    return report.model_copy(update={"checks": [*report.checks, page_links.model_copy(update={"name": LANDING_LINKS})]})


def checks_verdict(tier: str, report: TierReport) -> Verdict:
    """The checks' outcome for this tier, in words."""
    if report.blocked:
        names = ", ".join(c.name for c in report.blocking)
        where = ("the landing page's links come from the plan (its privacy notice, on the Strategy page)"
                 if names == LANDING_LINKS else "fix it or override on the *Card & checks* page")
        found = "; ".join(f"{p.excerpt or p.detail}" + (f" ({p.detail})" if p.excerpt and p.detail else "")
                          for c in report.blocking for p in c.places[:3])
        return Verdict(level="blocked", text=f"**{tier}** is blocked by the checks ({names}): {where}."
                                             + (f" Found: {found}." if found else ""))
    if report.status == "block":
        return Verdict(level="overridden",
                       text="Blocked, but overridden by the owner; the override is recorded with the release.")
    return Verdict(level="passed", text=f"**{tier}** passes the checks"
                                        + (" (with warnings)." if report.status == "warn" else "."))


def blocked_why(report: TierReport, can_write: bool, unlocked: bool, card_refused: bool = False,
                missing: str | None = None) -> str | None:
    """Why the Publish button is off, the first reason the owner must fix; None when it is on.
    `missing`: what the repo needs that is not configured (a landing Space's page registry)."""
    if missing:
        return missing
    if report.blocked:
        return "the checks block this tier"
    if card_refused:
        return "the Hub refuses the card's YAML"
    if not can_write:
        return "the token cannot write there"
    if not unlocked:
        return "publishing needs the owner: sign in as the owner, or unlock with the password (see above)"
    return None


def identity_problem(error: HubError) -> str:
    """Why the studio cannot tell who the token is: the token itself, or the way to the Hub."""
    if error.code in {"bad_token", "no_write"}:
        return f"**The Hub token does not work.** {error}"
    if error.code in {"timeout", "network", "server_error", "rate_limited"}:
        return f"**The Hub cannot be reached right now; the token was not checked.** {error}"
    return f"**The Hub did not say who the token is.** {error}"
