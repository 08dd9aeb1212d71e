"""Group a plan's published repos and landing Space in one Hub collection, named after the plan.

A visitor who finds one tier finds the others. Grouping comes after the release has landed and
is idempotent (`exists_ok` on both calls): publishing again adds nothing twice. It never undoes a
release: a failure is returned as a sentence for the page to show beside the release's outcome.
"""

from __future__ import annotations

from huggingface_hub import HfApi

from services.hub.api import call
from services.hub.config import HubSettings
from services.hub.errors import HubError
from services.strategy.links import RepoType, collection_title


def group(api: HfApi, settings: HubSettings, plan_name: str, repo_id: str, repo_type: RepoType) -> str:
    """Add the repo to the plan's collection (created in the repo's namespace if needed); its slug."""
    title = collection_title(plan_name)
    namespace = repo_id.split("/")[0]
    collection = call(settings, "creating the plan's collection", lambda: api.create_collection(
        title, namespace=namespace, description=f"Every tier of the {plan_name} release, published together.",
        exists_ok=True), repo_id)
    call(settings, "adding the repo to the plan's collection", lambda: api.add_collection_item(
        collection.slug, repo_id, repo_type, exists_ok=True), repo_id)
    return collection.slug


def group_or_warn(api: HfApi, settings: HubSettings, plan_name: str | None, repo_id: str,
                  repo_type: RepoType) -> tuple[str | None, str | None]:
    """(slug, None) once grouped, or (None, why not) — the release itself stands either way."""
    if not plan_name:
        return None, None
    try:
        return group(api, settings, plan_name, repo_id, repo_type), None
    except HubError as exc:
        return None, (f"The release is on the Hub, but adding it to the collection “{collection_title(plan_name)}” "
                      f"failed ({exc.message}). Publish again to retry; nothing is published twice.")
