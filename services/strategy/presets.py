"""The three strategies the owner chooses between, as plans to start from.

Full giveaway (everything public), Billboard (a public preview, EQ-100 behind an email form, the
full set kept for sale) and Hybrid (everything free behind the Hub's own access form). No URL here
is a placeholder: the calls to action point at the plan's own tiers (`links.py`) and the Hub's
discussions. The privacy notice is the owner's to give (`privacy_url`, on the Strategy page); until
it is, the forms that need it are blocked by the checks.
"""

from __future__ import annotations

from services.strategy.consent import ROLES
from services.strategy.gate_form import marketing_field
from services.strategy.plans import AccessField, CallsToAction, Gating, Plan, Relation, Selection, Tier

DEFAULT_SEED = 20251203

FEEDBACK_URL = "https://huggingface.co/datasets/{repo}/discussions"


def _ctas(campaign: str, text: str) -> CallsToAction:
    return CallsToAction(feedback_url=FEEDBACK_URL, utm_campaign=campaign, text=text)


def preset_giveaway(seed: int = DEFAULT_SEED) -> Plan:
    """Everything public on the Hub, with calls for feedback."""
    return Plan(
        name="giveaway", seed=seed,
        description="Full giveaway: every conversation public on the Hub, with calls for feedback.",
        tiers=[Tier(name="full", channel="hub_public", selection=Selection(mode="all"),
                    calls_to_action=_ctas("giveaway", "Tell us what you build with it: open a discussion."))],
    )


def preset_billboard(seed: int = DEFAULT_SEED, preview_size: int = 30, eq_size: int = 100) -> Plan:
    """A public preview, EQ-100 behind an email form (disjoint from it), the full set kept for sale."""
    return Plan(
        name="billboard", seed=seed,
        description="Billboard: a small public preview, EQ-100 behind an email form, the full set for sale.",
        tiers=[
            Tier(name="preview", channel="hub_public",
                 selection=Selection(mode="conversations", size=preview_size, strata=["persona", "arc"]),
                 calls_to_action=_ctas("preview", "Want 100 training-ready examples? Get EQ-100.")),
            Tier(name="eq-100", channel="download",
                 selection=Selection(mode="examples", size=eq_size, strata=["persona", "arc"]),
                 relations=[Relation(kind="disjoint_from", tier="preview")],
                 calls_to_action=_ctas("eq-100", "The full dataset is available: talk to us.")),
            Tier(name="full", channel="private", selection=Selection(mode="all"), license="other",
                 license_name="BrightRun commercial license"),
        ],
    )


def preset_hybrid(seed: int = DEFAULT_SEED) -> Plan:
    """Everything free on the Hub behind its own access form, approved automatically."""
    gating = Gating(
        mode="auto",
        heading="Free access: tell us who you are",
        description="Every conversation, free. Access is granted at once; your answers help us decide what to "
                    "generate next.",
        prompt="This dataset is free. Tell us who you are, so we can hear your feedback.",
        button_content="Get access",
        fields=[
            AccessField(label="Company", type="text"),
            AccessField(label="Role or use case", type="select", options=list(ROLES)),
            marketing_field(),
        ],
    )
    return Plan(
        name="hybrid", seed=seed,
        description="Hybrid: everything free on the Hub, behind the Hub's own access form (auto-approved).",
        tiers=[Tier(name="full", channel="hub_gated", selection=Selection(mode="all"), gating=gating,
                    calls_to_action=_ctas("hybrid", "Tell us what works and what doesn't: open a discussion."))],
    )


PRESETS = {"giveaway": preset_giveaway, "billboard": preset_billboard, "hybrid": preset_hybrid}
PRESET_LABELS = {"giveaway": "Full giveaway", "billboard": "Billboard (3-tier funnel)", "hybrid": "Hybrid (gated)"}
