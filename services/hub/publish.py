"""Publish a tier's files to a Hub dataset repo: dry run, then one atomic, idempotent commit.

The order of the steps is what keeps a failure harmless. The repo is created private; settings
that restrict (private, gated) are applied before the content, settings that open up (public,
not gated) after it; the content goes in one `create_commit` whose `parent_commit` is the head
the dry run saw, so a Hub that moved in between refuses it; the tag comes last. Whatever fails,
the Hub shows the previous release or the new one, never a mix, and never new content less
protected than the plan says. Unchanged content makes no commit. After a dropped connection the
head is read again: a commit that landed is recognised by its files, and not sent twice.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Literal

from huggingface_hub import CommitOperationAdd, CommitOperationDelete, HfApi
from huggingface_hub.errors import HFValidationError
from huggingface_hub.utils import validate_repo_id
from pydantic import BaseModel, Field, field_validator, model_validator

from services.hub.api import call
from services.hub.config import HubSettings
from services.hub.dry_run import KEEP, DryRun, FileChange, diff, read_head, remote_files
from services.hub.errors import HubError, classify, said_pause
from services.strategy.links import RepoType, repo_url
from services.utils.files import FileSource
from services.utils.retrying import retrying

Step = Callable[[str], None]
Gated = Literal["auto", "manual"] | Literal[False]


def repo_id_problem(repo_id: str) -> str | None:
    r"""What is wrong with a dataset repo id by the Hub's rules, in words; None when it is fine.

    The rules are huggingface_hub's `validate_repo_id` (utils/_validators.py, which mirrors the
    Hub's own check): ASCII letters, digits, `-`, `_` and `.`, 1 to 96 characters per part, no
    `--` or `..`, not starting or ending with `-` or `.`, not ending in `.git`. The studio also
    needs both parts, ORG/NAME, and checks ASCII itself (older clients let `\w` match `é`).
    """
    namespace, _, name = repo_id.partition("/")
    if not namespace or not name or "/" in name:
        return f"`{repo_id}` is not ORG/NAME (an organisation or user, a slash, a name)"
    if not repo_id.isascii():
        return f"`{repo_id}`: the Hub allows ASCII letters, digits, `-`, `_` and `.` only"
    try:
        validate_repo_id(repo_id)
    except HFValidationError as exc:
        return f"`{repo_id}`: {str(exc).split(':')[0].rstrip('.')} (the Hub's rule for repo names)"
    return None


class PublishOptions(BaseModel):
    """What the owner chose for one publish: where, how visible, gated or not, and the message.
    A Space (a download tier's landing page) is static and never gated: its form is the gate."""

    repo_id: str
    repo_type: RepoType = "dataset"
    private: bool = False
    gated: Gated = False
    commit_message: str = Field(min_length=1)

    @model_validator(mode="after")
    def _spaces_are_not_gated(self) -> PublishOptions:
        if self.repo_type == "space" and self.gated:
            raise ValueError("a landing Space is not gated: its form is the gate")
        return self

    @field_validator("repo_id")
    @classmethod
    def _hub_rules(cls, value: str) -> str:
        problem = repo_id_problem(value)
        if problem:
            raise ValueError(problem)
        return value


class PublishResult(BaseModel):
    outcome: Literal["published", "up_to_date"]
    repo_id: str
    url: str
    commit: str
    tag: str | None = None
    steps: list[str] = Field(default_factory=list)
    warning: str | None = None
    collection: str | None = Field(default=None, description="the slug of the plan's Hub collection")


def publish(api: HfApi, settings: HubSettings, files: Mapping[str, FileSource], options: PublishOptions, seen: DryRun,
            step: Step | None = None) -> PublishResult:
    """Publish `files` as the whole content of the repo. `seen` is the dry run the owner reviewed."""
    repo_id, kind = options.repo_id, options.repo_type
    url = repo_url(settings.endpoint, kind, repo_id)
    done: list[str] = []

    def say(text: str) -> None:
        done.append(text)
        if step:
            step(text)

    if seen.repo_id != repo_id or seen.repo_type != kind:
        raise HubError("moved", "the dry run was for another repo; run it again", "publishing")
    if seen.card_errors:
        raise HubError("invalid_card", "the Hub refuses the card's YAML: " + "; ".join(seen.card_errors),
                       "validating the card")
    if not seen.exists:
        say(f"Creating {repo_id} (private until its content is in)")
        call(settings, "creating the repo", lambda: api.create_repo(
            repo_id, repo_type=kind, private=True, exist_ok=True, space_sdk="static" if kind == "space" else None),
             repo_id)
    info, current = read_head(api, settings, repo_id, kind)
    found = {s.rfilename for s in info.siblings or []}
    if (seen.exists and current != seen.head) or (not seen.exists and found - KEEP):
        raise HubError("moved", "the Hub moved since the dry run (someone else committed, or created the repo). "
                                "Nothing was published: run the dry run again, review, then publish",
                       "checking the head")
    # Restrictive settings first: new content never appears less protected than planned.
    gated_now = getattr(info, "gated", False)  # a Space has no gate
    if options.private and not info.private:
        say("Making the repo private")
        _settings(api, settings, options, private=True)
    if options.gated and gated_now != options.gated:
        say(f"Gating access ({options.gated} approval)")
        _settings(api, settings, options, gated=options.gated)

    changes = diff(files, remote_files(api, settings, repo_id, current, kind))
    tag = seen.head_tag if seen.exists else None
    if all(c.status == "unchanged" for c in changes):
        say("Content already up to date: no commit")
        head = current
        outcome: Literal["published", "up_to_date"] = "up_to_date"
        if tag is None:
            tag = _tag(api, settings, options, head, seen, say)
    else:
        say(f"Committing {sum(c.status != 'unchanged' for c in changes)} change(s) in one commit")
        head = _commit(api, settings, files, changes, options, current, say)
        outcome = "published"
        try:
            tag = _tag(api, settings, options, head, seen, say)
        except HubError as exc:
            return PublishResult(
                outcome=outcome, repo_id=repo_id, url=url, commit=head,
                steps=done, warning=f"The release is on the Hub, but tagging it failed ({exc.message}). Publish "
                                    "again to tag it (no new commit is made).")
    # Opening settings last.
    warning = None
    try:
        if not options.private and info.private:
            say("Making the repo public")
            _settings(api, settings, options, private=False)
        if not options.gated and gated_now:
            say("Removing the access gate")
            _settings(api, settings, options, gated=False)
    except HubError as exc:
        warning = (f"The content is on the Hub, but {exc.step} failed ({exc.message}); the repo stays as protected "
                   "as before. Publish again to finish.")
    say("Done")
    return PublishResult(outcome=outcome, repo_id=repo_id, url=url, commit=head, tag=tag, steps=done, warning=warning)


def _settings(api: HfApi, settings: HubSettings, options: PublishOptions, private: bool | None = None,
              gated: Gated | None = None) -> None:
    """Change one setting (the other stays as it is: None)."""
    what = "changing visibility" if private is not None else "changing the access gate"
    call(settings, what, lambda: api.update_repo_settings(options.repo_id, repo_type=options.repo_type,
                                                          private=private, gated=gated), options.repo_id)


def _operations(files: Mapping[str, FileSource], changes: list[FileChange]) -> list:
    ops: list = []
    for c in changes:
        if c.status in {"added", "changed"}:
            ops.append(CommitOperationAdd(path_in_repo=c.path, path_or_fileobj=files[c.path]))
        elif c.status == "deleted":
            ops.append(CommitOperationDelete(path_in_repo=c.path))
    return ops


def _commit(api: HfApi, settings: HubSettings, files: Mapping[str, FileSource], changes: list[FileChange],
            options: PublishOptions, parent: str, say: Step | None = None) -> str:
    """One commit on `parent`; after a lost answer, a commit that landed is found, not repeated."""
    repo_id = options.repo_id

    def attempt() -> str:
        try:
            return api.create_commit(repo_id, _operations(files, changes), commit_message=options.commit_message,
                                     repo_type=options.repo_type, parent_commit=parent).oid
        except Exception as exc:
            error, retry = classify(exc, "committing", repo_id)
            if (retry or error.code == "moved") and (landed := _landed(api, settings, options, files, parent)):
                return landed
            raise

    def classify_commit(exc: Exception) -> tuple[HubError, bool]:
        error, retry = classify(exc, "committing", repo_id)
        if retry and not _retried_by_the_library(exc):
            error.given_up = "; nothing was published"  # said once the retries are spent
            return error, True
        if "published" in error.message.lower():
            return error, False
        return HubError(error.code, f"{error.message}; nothing was published", error.step), False

    return retrying(attempt, classify_commit, settings.retries + 1, settings.backoff, pause=said_pause(say))


def _retried_by_the_library(exc: Exception) -> bool:
    """huggingface_hub already retries its upload requests on 5xx (`http_backoff`: 5 more times, up to
    8 s apart): preupload, the LFS batch API, the LFS upload (a PUT) and its verify. Not again."""
    response = getattr(exc, "response", None)
    request = getattr(response, "request", None) if response is not None else None
    if request is None:
        return False
    url = str(request.url)
    return "/preupload/" in url or ".git/info/lfs/" in url or request.method == "PUT"


def _landed(api: HfApi, settings: HubSettings, options: PublishOptions, files: Mapping[str, FileSource],
            parent: str) -> str | None:
    """The new head, if it moved from `parent` and holds exactly `files` (our commit landed)."""
    try:
        _, head = read_head(api, settings, options.repo_id, options.repo_type)
        if head == parent:
            return None
        changes = diff(files, remote_files(api, settings, options.repo_id, head, options.repo_type))
    except HubError:
        return None
    return head if all(c.status == "unchanged" for c in changes) else None


def _tag(api: HfApi, settings: HubSettings, options: PublishOptions, head: str, seen: DryRun, say: Step) -> str:
    tag, repo_id = seen.next_tag, options.repo_id
    say(f"Tagging the release {tag}")
    try:
        call(settings, "tagging the release", lambda: api.create_tag(
            repo_id, tag=tag, revision=head, repo_type=options.repo_type, tag_message=f"Release {tag}"), repo_id)
    except HubError as exc:
        # A retried request whose first answer was lost finds its own tag already there.
        refs = call(settings, "reading the tags", lambda: api.list_repo_refs(repo_id, repo_type=options.repo_type),
                    repo_id)
        if not any(t.name == tag and t.target_commit == head for t in refs.tags):
            raise exc from None
    return tag
