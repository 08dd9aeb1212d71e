"""The Hub's access form for a gated tier: its YAML, and what the Hub would not accept in it.

The form lives in the dataset card's YAML header (HUB-FACTS, "Gating and leads"):
`extra_gated_heading`, `extra_gated_description`, `extra_gated_prompt`,
`extra_gated_button_content` and `extra_gated_fields`, whose values are a field type (`text`,
`checkbox`, `date_picker`, `country`) or `{type: select, options: [...]}`. The Hub documents no
optional field, so every field is required: marketing consent is asked as a Yes / No select
(a required checkbox would force it), and the prompt links the privacy notice.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from services.strategy.consent import MARKETING_FIELD, YES_NO
from services.strategy.links import host_problem
from services.strategy.plans import AccessField, Gating

GATE_KEYS = frozenset({"extra_gated_heading", "extra_gated_description", "extra_gated_prompt",
                       "extra_gated_button_content", "extra_gated_fields", "extra_gated_eu_disallowed"})
FIELD_TYPES = frozenset({"text", "checkbox", "date_picker", "country", "select"})
_MARKDOWN_LINK = re.compile(r"\]\((https?://[^)\s]+)\)")
_CONSENT_WORDS = ("consent", "contact", "marketing", "newsletter", "keep me posted", "updates", "news", "email me")


def marketing_field() -> AccessField:
    """The marketing-consent question, as the Hub's form asks it."""
    return AccessField(label=MARKETING_FIELD, type="select", options=list(YES_NO))


def prompt_with_privacy(gating: Gating, privacy_url: str | None) -> str:
    """The prompt as the form shows it: the owner's words, then the privacy notice's link."""
    prompt = gating.prompt.strip()
    if privacy_url and f"]({privacy_url})" not in prompt:  # a bare URL is not a link the form shows
        prompt += f"\n\nHow we use your answers: [privacy notice]({privacy_url})."
    return prompt


def gate_yaml(gating: Gating, privacy_url: str | None) -> dict[str, Any]:
    """The `extra_gated_*` keys of the card's YAML header."""
    out: dict[str, Any] = {"extra_gated_heading": gating.heading,
                           "extra_gated_prompt": prompt_with_privacy(gating, privacy_url),
                           "extra_gated_button_content": gating.button_content,
                           "extra_gated_fields": {f.label: ({"type": "select", "options": list(f.options)}
                                                            if f.type == "select" else f.type)
                                                  for f in gating.fields}}
    if gating.description:
        out["extra_gated_description"] = gating.description
    return out


def _asks_consent(label: str) -> bool:
    lowered = label.lower()
    return any(word in lowered for word in _CONSENT_WORDS)


def yaml_problems(card_yaml: Mapping[str, Any], hub_host: str = "") -> list[str]:
    """What the Hub would not accept in a card's access form, or what would make it unfair, read
    from the YAML as shipped (not from the plan), so the check sees what the Hub will see."""
    problems = [f"`{key}` is not a key of the Hub's access form" for key in card_yaml
                if key.startswith("extra_gated_") and key not in GATE_KEYS]
    for key in ("extra_gated_heading", "extra_gated_prompt", "extra_gated_button_content",
                "extra_gated_description"):
        if key in card_yaml and not isinstance(card_yaml[key], str):
            problems.append(f"`{key}` must be text")
    fields = card_yaml.get("extra_gated_fields") or {}
    if not isinstance(fields, Mapping):
        return [*problems, "`extra_gated_fields` must map each label to its type"]
    for label, spec in fields.items():
        kind = spec.get("type") if isinstance(spec, Mapping) else spec
        if kind not in FIELD_TYPES:
            problems.append(f"field `{label}`: `{kind}` is not a field type the Hub knows "
                            f"({', '.join(sorted(FIELD_TYPES))})")
        elif kind == "select" and not (isinstance(spec, Mapping) and spec.get("options")):
            problems.append(f"field `{label}`: a select needs its options")
        elif kind == "checkbox" and _asks_consent(str(label)):
            problems.append(f"field `{label}` asks consent as a checkbox: every field of the Hub's form is "
                            "required, so it could not be refused. Ask it as a Yes / No select")
    linked = _MARKDOWN_LINK.findall(str(card_yaml.get("extra_gated_prompt") or ""))
    if fields and not linked:
        problems.append("the prompt does not link the privacy notice (set the plan's privacy_url)")
    problems += [f"the privacy link: {why}" for url in linked
                 if (why := host_problem(url, frozenset({hub_host}) - {""}))]
    return problems
