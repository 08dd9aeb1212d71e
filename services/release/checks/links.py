"""Every link a release carries leads somewhere people can go, and a gated tier's access form is
one the Hub accepts.

A card that sends people to `example.com`, `localhost` or a private address is a dead end on
the Hub: the lead magnet's whole point is the link, so it blocks. The Hub the release goes to
counts as reachable (its pages exist once the release does).
"""

from __future__ import annotations

import re

from huggingface_hub import DatasetCard

from services.release.bundle import Bundle
from services.release.checks.report import CheckResult, Place, found, passed
from services.strategy.gate_form import yaml_problems
from services.strategy.links import HUB_URL, ReleaseLinks, host_problem
from services.strategy.plans import Plan

LINKS = "links"
GATE_FORM = "access form"
_URL = re.compile(r"https?://[^\s)\]>\"'`]+")
# Links written inside the card's code examples are data, not calls to action.
_FENCE = re.compile(r"```.*?```", re.S)


def _hub_host(b: Bundle) -> str:
    """The host of the Hub the bundle's links were made for."""
    return (b.links or ReleaseLinks(endpoint=HUB_URL, tiers=[])).hub_host


def links_in(text: str) -> list[str]:
    """The web addresses a Markdown or HTML text links to (outside code blocks), in order, once each."""
    return list(dict.fromkeys(u.rstrip(".,;:") for u in _URL.findall(_FENCE.sub(" ", text))))


def check_links(b: Bundle, extra: dict[str, str] | None = None, services: frozenset[str] = frozenset()) -> CheckResult:
    """Block any link (in the card, or in `extra` pages such as the landing page) nobody could open.
    `services` names more hosts known live: the Supabase project a landing form posts to."""
    pages = {"card": b.card, **(extra or {})}
    reachable = frozenset({_hub_host(b), *services}) - {""}
    places = [Place(excerpt=url, detail=f"{where}: {why}") for where, text in pages.items()
              for url in links_in(text) if (why := host_problem(url, reachable))]
    return found(LINKS, "block", places, f"{len(places)} link(s) lead nowhere people can go (placeholder or local "
                                         "hosts)" if places else "every link leads to a real host")


def check_gate_form(b: Bundle, plan: Plan) -> CheckResult | None:
    """For a gated tier: the card's `extra_gated_*` keys and field types are the Hub's, consent is
    asked as a Yes / No choice, and the prompt links a real privacy notice. None for other tiers."""
    if plan.tier(b.tier).channel != "hub_gated":
        return None
    problems = yaml_problems(DatasetCard(b.card).data.to_dict(), _hub_host(b))
    if not problems:
        return passed(GATE_FORM, "the access form is one the Hub accepts, with a Yes / No marketing question")
    return found(GATE_FORM, "block", [Place(detail=p) for p in problems],
                 f"the access form has {len(problems)} problem(s)")
