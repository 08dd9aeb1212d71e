"""Where each tier of a plan lives once published, and which links in a release people can follow.

Tiers published together point at each other: a public preview's call to action is the real
address of the tier that asks for something in return (the download tier's landing Space, or the
gated repo), and every card lists its siblings. The addresses are computed from the plan and the
Hub the studio publishes to, never typed, so a card cannot point at a page that does not exist.

A link whose host nobody outside can reach (a reserved example domain, `localhost`, a private
address) is a placeholder: the checks block a card that carries one. The Hub the studio publishes
to is reachable by definition (in tests it is a local server).
"""

from __future__ import annotations

import ipaddress
from typing import Literal
from urllib.parse import urlencode, urlsplit, urlunsplit

from pydantic import BaseModel

from services.strategy.plans import Plan, Tier

HUB_URL = "https://huggingface.co"
RepoType = Literal["dataset", "space"]
# RFC 2606 / RFC 6761: names reserved for examples and tests, never a real site.
PLACEHOLDER_DOMAINS = frozenset({"example.com", "example.org", "example.net", "example", "test", "invalid",
                                 "localhost", "local"})
COLLECTION_TITLE_MAX = 60  # the Hub's limit on a collection's title


def default_repo_id(plan: Plan, tier: Tier) -> str:
    """The tier's repo id (a Space's, for a download tier): the plan's, or one named after plan and tier."""
    return tier.repo_id or f"brightrun/financial-eq-{plan.name}-{tier.name}"


def repo_type(tier: Tier) -> RepoType:
    """A download tier is published as its landing page, a static Space; the others as datasets."""
    return "space" if tier.channel == "download" else "dataset"


def repo_url(endpoint: str, kind: RepoType, repo_id: str) -> str:
    """The repo's page on the Hub: `/datasets/ORG/NAME` or `/spaces/ORG/NAME`."""
    return f"{endpoint.rstrip('/')}/{kind}s/{repo_id}"


def host_problem(url: str | None, reachable: frozenset[str] = frozenset()) -> str | None:
    """Why people could not follow this link (in words), or None when they could.

    `reachable` names hosts known to be live (the Hub the studio publishes to).
    """
    if not url:
        return "no link"
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower().rstrip(".")
    if parts.scheme not in {"http", "https"} or not host:
        return f"`{url}` is not a web address"
    if host in reachable:
        return None
    if any(host == d or host.endswith(f".{d}") for d in PLACEHOLDER_DOMAINS):
        return f"`{host}` is a placeholder or local host: nobody else can open it"
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None
    if not address.is_global:
        return f"`{host}` is a private or local address: nobody else can open it"
    return None


def with_utm(url: str, source: str, medium: str, campaign: str) -> str:
    """`url` with UTM parameters added to any query it has."""
    parts = urlsplit(url)
    utm = urlencode({"utm_source": source, "utm_medium": medium, "utm_campaign": campaign})
    return urlunsplit(parts._replace(query=f"{parts.query}&{utm}" if parts.query else utm))


class TierLink(BaseModel):
    """One released tier's place on the Hub."""

    tier: str
    channel: str
    repo_type: RepoType
    repo_id: str
    url: str

    @property
    def label(self) -> str:
        """How a sibling's card names it."""
        return {"hub_public": "public on the Hub", "hub_gated": "on the Hub, behind its access form",
                "download": "download, behind an email form"}.get(self.channel, self.channel)


class ReleaseLinks(BaseModel):
    """Every released tier's address, for one plan on one Hub."""

    endpoint: str
    tiers: list[TierLink]

    @classmethod
    def for_plan(cls, plan: Plan, endpoint: str = HUB_URL) -> ReleaseLinks:
        """The addresses the plan's released tiers get on `endpoint`."""
        endpoint = endpoint.rstrip("/")
        return cls(endpoint=endpoint, tiers=[
            TierLink(tier=t.name, channel=t.channel, repo_type=repo_type(t), repo_id=(rid := default_repo_id(plan, t)),
                     url=repo_url(endpoint, repo_type(t), rid))
            for t in plan.tiers if t.channel != "private"])

    @property
    def hub_host(self) -> str:
        """The Hub's host: links there are live once the release is."""
        return (urlsplit(self.endpoint).hostname or "").lower()

    def of(self, tier: str) -> TierLink | None:
        """The tier's link, or None for a kept-back tier."""
        return next((t for t in self.tiers if t.tier == tier), None)

    def siblings(self, tier: str) -> list[TierLink]:
        """The other released tiers, in the plan's order."""
        return [t for t in self.tiers if t.tier != tier]

    def call_to_action(self, plan: Plan, tier: str) -> str | None:
        """Where the tier's card sends people for more, with UTM parameters: the owner's own
        landing page if the plan names one, else the first other tier that asks for something in
        return (the download tier's landing Space, or a gated repo); None when there is none."""
        spec = plan.tier(tier)
        cta = spec.calls_to_action
        target = cta.landing_page_url or next(
            (t.url for t in self.siblings(tier) if plan.tier(t.tier).captures_leads), None)
        if target is None:
            return None
        return with_utm(target, cta.utm_source, cta.utm_medium, cta.utm_campaign or tier)


def collection_title(plan_name: str) -> str:
    """The Hub collection grouping a plan's published repos and Space, named after the plan."""
    return f"Financial EQ conversations: {plan_name}"[:COLLECTION_TITLE_MAX]
