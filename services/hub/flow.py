"""One publish attempt from start to record, shared by the Publish page and `cli publish`.

Refuse a tier the checks block (unless overridden), publish it otherwise, group it with its
siblings in the plan's Hub collection, and record the outcome whatever it is: published, already
up to date, refused, or failed with its message.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from huggingface_hub import HfApi
from pydantic import BaseModel, Field

from services.dataset.report import LoadError
from services.hub.collection import group_or_warn
from services.hub.config import HubSettings
from services.hub.dry_run import DryRun
from services.hub.errors import HubError
from services.hub.history import History, ReleaseRecord
from services.hub.publish import PublishOptions, PublishResult, Step, publish
from services.release.card.facts import CardFacts
from services.release.card.whats_new import ReleaseSummary, WhatsNew
from services.release.manifest import files_digest, manifest_blocked
from services.strategy.plans import Plan
from services.utils.files import FileSource


class ReleaseContext(BaseModel):
    """What the record says about the release, taken from its manifest."""

    tier: str
    plan_name: str | None = None
    plan_sha256: str | None = None
    plan: Plan | None = None
    conversations: int | None = None
    supervised_examples: int | None = None
    overrides: list[str] = Field(default_factory=list)
    blocked: list[str] = Field(default_factory=list, description="blocking checks no override covers")
    summary: ReleaseSummary | None = None


def context_from_manifest(manifest: dict[str, Any]) -> ReleaseContext:
    """What the record says about a release, read from its manifest."""
    counts = manifest.get("counts") or {}
    overrides = [f"{', '.join(o.get('checks', []))} overridden by {o.get('by', 'owner')}: "
                 f"{o.get('reason') or 'no reason'}" for o in manifest.get("check_overrides") or []]
    try:
        summary = ReleaseSummary.from_facts(CardFacts.model_validate(manifest["facts"])) if manifest.get("facts") \
            else None
        news = WhatsNew.model_validate(manifest["whats_new"]) if manifest.get("whats_new") else None
    except ValueError:  # a manifest of an older release: its record keeps no summary
        summary = news = None
    try:
        plan = Plan.model_validate(manifest["plan"]) if manifest.get("plan") else None
    except ValueError:  # a plan of an older version: the record keeps its name and digest only
        plan = None
    if summary is not None:
        summary = summary.model_copy(update={"files_sha256": files_digest(manifest), "news": news})
    return ReleaseContext(tier=manifest.get("tier", "?"), plan_name=(manifest.get("plan") or {}).get("name"),
                          plan_sha256=manifest.get("plan_sha256"), plan=plan, conversations=counts.get("conversations"),
                          supervised_examples=counts.get("supervised_examples"), overrides=overrides,
                          blocked=manifest_blocked(manifest), summary=summary)


class Attempt(BaseModel):
    record: ReleaseRecord
    result: PublishResult | None = None
    error: str | None = None
    error_code: str | None = None
    history_error: str | None = None


class Precondition(Protocol):
    """What must hold before a repo goes out, and be taken back if it does not go out (a landing
    Space's page recorded where its form's submissions are checked)."""

    def prepare(self) -> None:
        """Make it hold, or raise HubError saying why the publish cannot go ahead."""

    def undo(self) -> None:
        """The publish failed: take back what `prepare` did."""


def attempt(api: HfApi, settings: HubSettings, files: Mapping[str, FileSource], context: ReleaseContext,
            options: PublishOptions, seen: DryRun, actor: str, history: History,
            step: Step | None = None, precondition: Precondition | None = None) -> Attempt:
    """Refuse a blocked tier, or publish it (after its precondition, taken back if the publish fails);
    record the outcome whatever it is."""
    base = {"actor": actor, "tier": context.tier, "repo_id": options.repo_id, "repo_type": options.repo_type,
            "plan_name": context.plan_name,
            "plan_sha256": context.plan_sha256, "plan": context.plan, "conversations": context.conversations,
            "supervised_examples": context.supervised_examples, "overrides": context.overrides,
            "summary": context.summary}
    if context.blocked:
        message = f"refused: blocked by the checks ({', '.join(context.blocked)}) and not overridden"
        out = Attempt(record=ReleaseRecord(**base, outcome="refused", message=message), error=message,
                      error_code="blocked")
    else:
        prepared = False
        try:
            if precondition is not None:
                precondition.prepare()
                prepared = True
            result = publish(api, settings, files, options, seen, step)
        except HubError as exc:
            if prepared and precondition is not None:
                precondition.undo()
            out = Attempt(record=ReleaseRecord(**base, outcome="failed", message=str(exc)), error=str(exc),
                          error_code=exc.code)
        else:
            slug, warning = group_or_warn(api, settings, context.plan_name, options.repo_id, options.repo_type)
            if slug or warning:
                result = result.model_copy(update={"collection": slug, "warning": " ".join(
                    w for w in (result.warning, warning) if w) or None})
            message = "already up to date: no commit" if result.outcome == "up_to_date" else "published"
            out = Attempt(result=result, record=ReleaseRecord(
                **base, outcome=result.outcome, commit_sha=result.commit, tag=result.tag, url=result.url,
                message=message + (f"; {result.warning}" if result.warning else "")))
    try:
        history.append(out.record)
    except (LoadError, OSError) as exc:
        out.history_error = f"the release history could not be written to {history.where}: {exc}"
    return out
