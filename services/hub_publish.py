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

import hashlib
import re
from collections.abc import Callable
from typing import Literal, TypeVar

from huggingface_hub import CommitOperationAdd, CommitOperationDelete, HfApi
from huggingface_hub.errors import HfHubHTTPError
from pydantic import BaseModel, Field

from services.hub_config import HubSettings
from services.retrying import retrying

T = TypeVar("T")
Step = Callable[[str], None]
Gated = Literal["auto", "manual"] | Literal[False]
KEEP = frozenset({".gitattributes"})  # the Hub's own file: never deleted by a release
RELEASE_TAG = re.compile(r"^v(\d+)$")
RETRYABLE = frozenset({429, 500, 502, 503, 504})


class HubError(Exception):
    """A Hub step failed; `str()` is the message for the page and the CLI (never the token)."""

    def __init__(self, code: str, message: str, step: str = "", given_up: str = "") -> None:
        self.code = code
        self.message = message
        self.step = step
        self.given_up = given_up  # what to add once the retries are spent
        super().__init__(f"{step}: {message}" if step else message)

    def tried(self, attempts: int) -> HubError:
        return HubError(self.code, f"{self.message} (tried {attempts} times){self.given_up}", self.step)


class Identity(BaseModel):
    name: str
    fullname: str | None = None
    email: str | None = None
    orgs: list[str] = Field(default_factory=list)
    write_orgs: list[str] = Field(default_factory=list, description="organisations the user may write to")
    token_can_write: bool = False

    def can_write(self, namespace: str) -> bool:
        return self.token_can_write and (namespace == self.name or namespace in self.write_orgs)


class FileChange(BaseModel):
    path: str
    size: int
    status: Literal["added", "changed", "unchanged", "deleted"]


class DryRun(BaseModel):
    """What publishing would change, against the head seen now. Nothing is sent to make it."""

    repo_id: str
    exists: bool
    head: str | None = None
    private: bool | None = None
    gated: str | bool | None = None
    changes: list[FileChange] = Field(default_factory=list)
    release_tags: list[str] = Field(default_factory=list)
    head_tag: str | None = Field(default=None, description="the release tag already on the head, if any")

    @property
    def up_to_date(self) -> bool:
        return self.exists and all(c.status == "unchanged" for c in self.changes)

    def count(self, status: str) -> int:
        return sum(1 for c in self.changes if c.status == status)

    @property
    def next_tag(self) -> str:
        numbers = [int(m.group(1)) for t in self.release_tags if (m := RELEASE_TAG.match(t))]
        return f"v{max(numbers, default=0) + 1}"


class PublishOptions(BaseModel):
    repo_id: str = Field(pattern=r"^[\w.-]+/[\w.-]+$")
    private: bool = False
    gated: Gated = False
    commit_message: str = Field(min_length=1)


class PublishResult(BaseModel):
    outcome: Literal["published", "up_to_date"]
    repo_id: str
    url: str
    commit: str
    tag: str | None = None
    steps: list[str] = Field(default_factory=list)
    warning: str | None = None


def blob_oid(data: bytes) -> str:
    """The id the Hub gives a regular file: git's blob sha1."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def client(settings: HubSettings) -> HfApi:
    return HfApi(endpoint=settings.endpoint, token=settings.token.get_secret_value(), library_name="lead-magnet-studio")


# --- errors and retries ----------------------------------------------------------------------
def classify(exc: Exception, what: str, repo_id: str = "") -> tuple[HubError, bool]:
    """(the error in words, whether a retry may help)."""
    namespace = repo_id.split("/")[0] if repo_id else "this namespace"
    if isinstance(exc, HubError):
        return exc, False
    if isinstance(exc, HfHubHTTPError) and exc.response is not None:
        status = exc.response.status_code
        if status == 401:
            return HubError("bad_token", "the Hub refused the token (invalid or expired); check HF_TOKEN", what), False
        if status == 403:
            return HubError("no_write", f"the token may not write to `{namespace}`: the account has no write access "
                                        "to it, or the token is read-only", what), False
        if status == 404:
            return HubError("not_found", f"`{repo_id}` was not found (or is private to another account)", what), False
        if status == 409:
            return HubError("conflict", "the Hub reports a conflict (another operation on this repo is in progress, "
                                        "or the name is taken); try again in a moment", what), False
        if status == 412:
            return HubError("moved", "the Hub moved since the dry run (someone else committed). Nothing was "
                                     "published: run the dry run again, review, then publish", what), False
        if status == 429:
            return HubError("rate_limited", "the Hub is rate-limiting these requests (HTTP 429)", what), True
        if status >= 500:
            return HubError("server_error", f"the Hub failed (HTTP {status})", what), True
        return HubError("hub_error", f"the Hub answered HTTP {status}", what), False
    kind = _transport_kind(exc)
    if kind == "timeout":
        return HubError("timeout", "the Hub did not answer in time", what), True
    if kind == "network":
        return HubError("network", f"the connection to the Hub broke off ({type(exc).__name__})", what), True
    return HubError("unexpected", f"{type(exc).__name__}", what), False


def _transport_kind(exc: Exception) -> str | None:
    """huggingface_hub speaks httpx, or its fork httpx2, depending on the version: look at the
    exception's classes by name, in either package."""
    names = {c.__name__ for c in type(exc).__mro__ if c.__module__.split(".")[0] in {"httpx", "httpx2"}}
    if "TimeoutException" in names:
        return "timeout"
    if "TransportError" in names:
        return "network"
    return None


def _retry_after(exc: Exception) -> float | None:
    response = getattr(exc, "response", None)
    value = response.headers.get("retry-after") if response is not None else None
    try:
        return min(float(value), 30.0) if value else None
    except ValueError:
        return None


def call(settings: HubSettings, what: str, action: Callable[[], T], repo_id: str = "") -> T:
    """One idempotent request, retried on 429 / 5xx / dropped connections with backoff."""
    return retrying(action, lambda exc: classify(exc, what, repo_id), settings.retries + 1, settings.backoff,
                    pause=_retry_after)


# --- who ----------------------------------------------------------------------------------------
def whoami(api: HfApi, settings: HubSettings) -> Identity:
    info = call(settings, "checking the token", lambda: api.whoami(cache=False))
    token = (info.get("auth") or {}).get("accessToken") or {}
    role = token.get("role")
    orgs = info.get("orgs") or []
    return Identity(
        name=info["name"], fullname=info.get("fullname"), email=info.get("email"),
        orgs=[o["name"] for o in orgs],
        write_orgs=[o["name"] for o in orgs if o.get("roleInOrg") in {"admin", "write", "contributor"}],
        token_can_write=role in {"write", "fineGrained"},
    )


# --- dry run ----------------------------------------------------------------------------------
def _remote_files(api: HfApi, settings: HubSettings, repo_id: str, revision: str) -> dict[str, tuple[str, int]]:
    """path → (id to compare, size): the sha256 for LFS files, the git blob id otherwise."""
    entries = call(settings, "reading the repo's files", lambda: list(
        api.list_repo_tree(repo_id, repo_type="dataset", recursive=True, revision=revision)), repo_id)
    out = {}
    for entry in entries:
        if hasattr(entry, "blob_id"):
            lfs = getattr(entry, "lfs", None)
            out[entry.path] = (f"sha256:{lfs.sha256}" if lfs else entry.blob_id, entry.size)
    return out


def _local_id(data: bytes, remote_id: str | None) -> str:
    if remote_id and remote_id.startswith("sha256:"):
        return f"sha256:{hashlib.sha256(data).hexdigest()}"
    return blob_oid(data)


def diff(files: dict[str, bytes], remote: dict[str, tuple[str, int]]) -> list[FileChange]:
    changes = []
    for path, data in sorted(files.items()):
        if path not in remote:
            status = "added"
        else:
            status = "unchanged" if _local_id(data, remote[path][0]) == remote[path][0] else "changed"
        changes.append(FileChange(path=path, size=len(data), status=status))
    for path, (_, size) in sorted(remote.items()):
        if path not in files and path not in KEEP:
            changes.append(FileChange(path=path, size=size, status="deleted"))
    return changes


def dry_run(api: HfApi, settings: HubSettings, repo_id: str, files: dict[str, bytes]) -> DryRun:
    try:
        info = call(settings, "reading the repo", lambda: api.dataset_info(repo_id), repo_id)
    except HubError as exc:
        if exc.code != "not_found":
            raise
        return DryRun(repo_id=repo_id, exists=False,
                      changes=[FileChange(path=p, size=len(d), status="added") for p, d in sorted(files.items())])
    refs = call(settings, "reading the tags", lambda: api.list_repo_refs(repo_id, repo_type="dataset"), repo_id)
    tags = [t.name for t in refs.tags if RELEASE_TAG.match(t.name)]
    on_head = [t.name for t in refs.tags if t.target_commit == info.sha and RELEASE_TAG.match(t.name)]
    return DryRun(repo_id=repo_id, exists=True, head=info.sha, private=info.private, gated=info.gated,
                  changes=diff(files, _remote_files(api, settings, repo_id, info.sha)), release_tags=tags,
                  head_tag=on_head[-1] if on_head else None)


# --- publish ----------------------------------------------------------------------------------
def publish(api: HfApi, settings: HubSettings, files: dict[str, bytes], options: PublishOptions, seen: DryRun,
            step: Step | None = None) -> PublishResult:
    """Publish `files` as the whole content of the repo. `seen` is the dry run the owner reviewed."""
    repo_id = options.repo_id
    done: list[str] = []

    def say(text: str) -> None:
        done.append(text)
        if step:
            step(text)

    if seen.repo_id != repo_id:
        raise HubError("moved", "the dry run was for another repo; run it again", "publishing")
    if not seen.exists:
        say(f"Creating {repo_id} (private until its content is in)")
        call(settings, "creating the repo", lambda: api.create_repo(repo_id, repo_type="dataset", private=True,
                                                                     exist_ok=True), repo_id)
    info = call(settings, "reading the repo", lambda: api.dataset_info(repo_id), repo_id)
    found = {s.rfilename for s in info.siblings or []}
    if (seen.exists and info.sha != seen.head) or (not seen.exists and found - KEEP):
        raise HubError("moved", "the Hub moved since the dry run (someone else committed, or created the repo). "
                                "Nothing was published: run the dry run again, review, then publish",
                       "checking the head")
    # Restrictive settings first: new content never appears less protected than planned.
    if options.private and not info.private:
        say("Making the repo private")
        _settings(api, settings, repo_id, private=True)
    if options.gated and info.gated != options.gated:
        say(f"Gating access ({options.gated} approval)")
        _settings(api, settings, repo_id, gated=options.gated)

    changes = diff(files, _remote_files(api, settings, repo_id, info.sha))
    tag = seen.head_tag if seen.exists else None
    if all(c.status == "unchanged" for c in changes):
        say("Content already up to date: no commit")
        head = info.sha
        outcome = "up_to_date"
        if tag is None:
            tag = _tag(api, settings, repo_id, head, seen, say)
    else:
        say(f"Committing {sum(c.status != 'unchanged' for c in changes)} change(s) in one commit")
        head = _commit(api, settings, files, changes, options, info.sha)
        outcome = "published"
        try:
            tag = _tag(api, settings, repo_id, head, seen, say)
        except HubError as exc:
            return PublishResult(
                outcome=outcome, repo_id=repo_id, url=f"{settings.endpoint}/datasets/{repo_id}", commit=head,
                steps=done, warning=f"The release is on the Hub, but tagging it failed ({exc.message}). Publish "
                                    "again to tag it (no new commit is made).")
    # Opening settings last.
    warning = None
    try:
        if not options.private and info.private:
            say("Making the repo public")
            _settings(api, settings, repo_id, private=False)
        if not options.gated and info.gated:
            say("Removing the access gate")
            _settings(api, settings, repo_id, gated=False)
    except HubError as exc:
        warning = (f"The content is on the Hub, but {exc.step} failed ({exc.message}); the repo stays as protected "
                   "as before. Publish again to finish.")
    say("Done")
    return PublishResult(outcome=outcome, repo_id=repo_id, url=f"{settings.endpoint}/datasets/{repo_id}", commit=head,
                         tag=tag, steps=done, warning=warning)


def _settings(api: HfApi, settings: HubSettings, repo_id: str, **change: object) -> None:
    what = "changing visibility" if "private" in change else "changing the access gate"
    call(settings, what, lambda: api.update_repo_settings(repo_id, repo_type="dataset", **change), repo_id)


def _operations(files: dict[str, bytes], changes: list[FileChange]) -> list:
    ops: list = []
    for c in changes:
        if c.status in {"added", "changed"}:
            ops.append(CommitOperationAdd(path_in_repo=c.path, path_or_fileobj=files[c.path]))
        elif c.status == "deleted":
            ops.append(CommitOperationDelete(path_in_repo=c.path))
    return ops


def _commit(api: HfApi, settings: HubSettings, files: dict[str, bytes], changes: list[FileChange],
            options: PublishOptions, parent: str) -> str:
    """One commit on `parent`; after a lost answer, a commit that landed is found, not repeated."""
    repo_id = options.repo_id

    def attempt() -> str:
        try:
            return api.create_commit(repo_id, _operations(files, changes), commit_message=options.commit_message,
                                     repo_type="dataset", parent_commit=parent).oid
        except Exception as exc:
            error, retry = classify(exc, "committing", repo_id)
            if (retry or error.code == "moved") and (landed := _landed(api, settings, repo_id, files, parent)):
                return landed
            raise

    def classify_commit(exc: Exception) -> tuple[HubError, bool]:
        error, retry = classify(exc, "committing", repo_id)
        error.given_up = "; nothing was published"
        return error, retry and not _retried_by_the_library(exc)

    return retrying(attempt, classify_commit, settings.retries + 1, settings.backoff, pause=_retry_after)


def _retried_by_the_library(exc: Exception) -> bool:
    """huggingface_hub already retries the preupload request on 5xx (for up to 15 s): not again."""
    response = getattr(exc, "response", None)
    request = getattr(response, "request", None) if response is not None else None
    return request is not None and "/preupload/" in str(request.url)


def _landed(api: HfApi, settings: HubSettings, repo_id: str, files: dict[str, bytes], parent: str) -> str | None:
    """The new head, if it moved from `parent` and holds exactly `files` (our commit landed)."""
    try:
        info = call(settings, "reading the repo", lambda: api.dataset_info(repo_id), repo_id)
        if info.sha == parent:
            return None
        changes = diff(files, _remote_files(api, settings, repo_id, info.sha))
    except HubError:
        return None
    return info.sha if all(c.status == "unchanged" for c in changes) else None


def _tag(api: HfApi, settings: HubSettings, repo_id: str, head: str, seen: DryRun, say: Step) -> str:
    tag = seen.next_tag
    say(f"Tagging the release {tag}")
    try:
        call(settings, "tagging the release", lambda: api.create_tag(
            repo_id, tag=tag, revision=head, repo_type="dataset", tag_message=f"Release {tag}"), repo_id)
    except HubError as exc:
        # A retried request whose first answer was lost finds its own tag already there.
        refs = call(settings, "reading the tags", lambda: api.list_repo_refs(repo_id, repo_type="dataset"), repo_id)
        if not any(t.name == tag and t.target_commit == head for t in refs.tags):
            raise exc from None
    return tag
