"""Release plans: which tiers a release has, what each holds, and where it goes.

A plan crosses boundaries (files on disk, the Strategy page, the CLI, later the release
manifest), so it is a pydantic model and is saved and loaded as YAML or JSON. An invalid file
gives field-level errors (`PlanError`), never a traceback.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from services.strategy.errors import StrategyError
from services.strategy.licenses import license_problem
from services.utils.files import write_atomic

Channel = Literal["hub_public", "hub_gated", "download", "private"]
Dimension = Literal["persona", "arc", "topic"]
CHANNELS: dict[str, str] = {
    "hub_public": "Hub, public",
    "hub_gated": "Hub, gated (access form)",
    "download": "Download behind an email form",
    "private": "Kept back (for sale)",
}
LEAD_CHANNELS = frozenset({"hub_gated", "download"})
# What the download gate is, said where the owner chooses it (Strategy) and sends it out (Publish).
DOWNLOAD_GATE = ("The download gate is an open link behind a form, not a lock: the zip is a file of a public Space, "
                 "so anyone who reads the Space's files can download it without the form, and the addresses people "
                 "type are not verified (no confirmation email is sent; run your CRM's double opt-in before "
                 "writing to them). Right for a free lead magnet whose value is the contact; a tier worth locking "
                 "goes to the Hub gated, or is kept back for sale.")
DEFAULT_STRATA: tuple[Dimension, ...] = ("persona", "arc")
DEFAULT_TRAINABLE = 500  # the platform's LoRA readiness rule, in supervised examples


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")  # a misspelt key is an error, not silently ignored


class Filters(_Model):
    min_quality: float | None = Field(default=None, ge=0, le=5, description="minimum conversation quality (1-5)")
    arcs_exclude: list[str] = Field(default_factory=list)
    arcs_only: list[str] = Field(default_factory=list, description="empty: every arc")
    topics_exclude: list[str] = Field(default_factory=list)
    topics_only: list[str] = Field(default_factory=list, description="empty: every topic")
    min_supervised_examples: int = Field(default=0, ge=0, description="per conversation")


class Selection(_Model):
    mode: Literal["all", "conversations", "examples"] = "all"
    size: int | None = Field(default=None, ge=1, description="N conversations or N supervised examples")
    strata: list[Dimension] = Field(default_factory=lambda: list(DEFAULT_STRATA))
    filters: Filters = Field(default_factory=Filters)
    pin_in: list[str] = Field(default_factory=list, description="conversation ids always included")
    pin_out: list[str] = Field(default_factory=list, description="conversation ids never included")

    @model_validator(mode="after")
    def _size_matches_mode(self) -> Selection:
        if self.mode != "all" and self.size is None:
            raise ValueError(f"a '{self.mode}' selection needs a size")
        return self


class Relation(_Model):
    kind: Literal["subset_of", "disjoint_from"]
    tier: str


class CallsToAction(_Model):
    """Where a tier's card sends people. The landing link is computed from the plan's other tiers
    (`links.ReleaseLinks.call_to_action`); `landing_page_url` overrides it with the owner's own page."""

    feedback_url: str | None = None
    landing_page_url: str | None = Field(default=None, description="the owner's own page; empty: the plan's")
    utm_source: str = "huggingface"
    utm_medium: str = "dataset_card"
    utm_campaign: str | None = None
    generate_url: str | None = None
    text: str = ""


class AccessField(_Model):
    """One field of the Hub's access form (`extra_gated_fields`); the types are the Hub's."""

    label: str = Field(min_length=1, max_length=200)
    type: Literal["text", "checkbox", "select", "date_picker", "country"] = "text"
    options: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _select_has_options(self) -> AccessField:
        if self.type == "select" and not self.options:
            raise ValueError(f"the select field '{self.label}' needs options")
        return self


class Gating(_Model):
    """The Hub's access form for a gated tier: written into the card's YAML (`extra_gated_*`)."""

    mode: Literal["auto", "manual"] = "auto"
    heading: str = Field(default="Access this dataset", max_length=120)
    description: str = Field(default="", max_length=500)
    prompt: str = "Share your contact details to access this dataset."
    button_content: str = Field(default="Request access", min_length=1, max_length=60)
    fields: list[AccessField] = Field(default_factory=list)

    @field_validator("fields")
    @classmethod
    def _unique_labels(cls, fields: list[AccessField]) -> list[AccessField]:
        labels = [f.label.strip().lower() for f in fields]
        repeated = sorted({f.label for f in fields if labels.count(f.label.strip().lower()) > 1})
        if repeated:  # the labels are the keys of a YAML mapping: a repeated one would vanish
            raise ValueError(f"each access-form field needs its own label; repeated: {', '.join(repeated)}")
        return fields


class Tier(_Model):
    name: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$", description="lower-case slug: preview, eq-100, full")
    channel: Channel
    selection: Selection = Field(default_factory=Selection)
    relations: list[Relation] = Field(default_factory=list)
    license: str = Field(default="cc-by-4.0", description="an identifier from the Hub's license list")
    license_name: str | None = Field(default=None, description="with license 'other': the license's name")
    license_link: str | None = Field(default=None, description="with license 'other': where its text is")
    calls_to_action: CallsToAction = Field(default_factory=CallsToAction)
    gating: Gating | None = None
    featured_conversation: str | None = Field(default=None, description="the card's example conversation")
    repo_id: str | None = Field(default=None, pattern=r"^[\w.-]+/[\w.-]+$", description="Hub repo, ORG/NAME")

    @model_validator(mode="after")
    def _gating_only_where_gated(self) -> Tier:
        if self.channel == "hub_gated" and self.gating is None:
            raise ValueError("a hub_gated tier needs gating (the access form)")
        return self

    @model_validator(mode="after")
    def _a_license_the_hub_accepts(self) -> Tier:
        if self.channel != "private" and (problem := license_problem(self.license, self.license_name)):
            raise ValueError(problem)
        return self

    @property
    def captures_leads(self) -> bool:
        """Whether this tier asks for something (an email, the access form) in exchange for the data."""
        return self.channel in LEAD_CHANNELS


class Targets(_Model):
    """What the owner hopes a release does in its first days: the Traction page shows actuals against it."""

    leads: int = Field(default=30, ge=0, description="landing-page leads and Hub access requests")
    downloads: int = Field(default=50, ge=0, description="downloads of the released dataset repos")
    days: int = Field(default=7, ge=1, le=90, description="how long after the first release they count")


class Plan(_Model):
    name: str
    description: str = ""
    seed: int = 0
    privacy_url: str | None = Field(default=None, description="the privacy notice every lead form links to")
    trainable_threshold: int = Field(default=DEFAULT_TRAINABLE, ge=1)
    targets: Targets = Field(default_factory=Targets)
    tiers: list[Tier] = Field(min_length=1)

    @field_validator("tiers")
    @classmethod
    def _unique_names(cls, tiers: list[Tier]) -> list[Tier]:
        names = [t.name for t in tiers]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise ValueError(f"tier names must be unique; repeated: {', '.join(repeated)}")
        return tiers

    @model_validator(mode="after")
    def _relations_resolve(self) -> Plan:
        names = {t.name for t in self.tiers}
        for tier in self.tiers:
            for rel in tier.relations:
                if rel.tier not in names:
                    raise ValueError(f"tier '{tier.name}' is {rel.kind} '{rel.tier}', which is not a tier of this plan")
                if rel.tier == tier.name:
                    raise ValueError(f"tier '{tier.name}' cannot relate to itself")
        self.resolution_order()  # raises on a cycle
        return self

    def tier(self, name: str) -> Tier:
        """The tier with this name (a `KeyError` names the plan's tiers)."""
        for tier in self.tiers:
            if tier.name == name:
                return tier
        raise KeyError(f"plan '{self.name}' has no tier '{name}' (its tiers: {', '.join(t.name for t in self.tiers)})")

    def resolution_order(self) -> list[str]:
        """Tier names so that every tier comes after the tiers it relates to."""
        deps = {t.name: {r.tier for r in t.relations} for t in self.tiers}
        order: list[str] = []
        while deps:
            ready = [n for n, d in deps.items() if d <= set(order)]
            if not ready:
                raise ValueError("the tiers' relations form a cycle: " + ", ".join(sorted(deps)))
            order.extend(ready)
            for n in ready:
                del deps[n]
        return order


# --- files -----------------------------------------------------------------------------------
class PlanError(StrategyError):
    """A plan file that cannot be used; the message lists each bad field."""


def _field_errors(exc: ValidationError) -> str:
    lines = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"]) or "plan"
        lines.append(f"{where}: {err['msg'].removeprefix('Value error, ')}")
    return "; ".join(lines)


def parse_plan(text: str | bytes, name: str = "plan") -> Plan:
    """A plan from YAML or JSON text (JSON is YAML, so one parser reads both)."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise PlanError(f"{name}{where}: not valid YAML or JSON ({getattr(exc, 'problem', exc)})") from None
    if not isinstance(data, dict):
        raise PlanError(f"{name}: a plan is a mapping with name, seed and tiers")
    try:
        return Plan.model_validate(data)
    except ValidationError as exc:
        raise PlanError(f"{name}: {_field_errors(exc)}") from None


def load_plan(path: str | Path) -> Plan:
    """A plan from a YAML or JSON file; `PlanError` says what is wrong and where."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PlanError(f"{path}: cannot read the plan ({exc.__class__.__name__})") from None
    return parse_plan(text, path.name)


def dump_plan(plan: Plan, fmt: Literal["yaml", "json"] = "yaml") -> str:
    """The plan as YAML (for people) or JSON (for tools)."""
    data = plan.model_dump(mode="json", exclude_defaults=False)
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def save_plan(plan: Plan, path: str | Path) -> Path:
    """Write atomically (a half-written plan never appears); YAML or JSON by extension."""
    path = Path(path)
    fmt: Literal["yaml", "json"] = "json" if path.suffix == ".json" else "yaml"
    return write_atomic(path, dump_plan(plan, fmt).encode("utf-8"))
