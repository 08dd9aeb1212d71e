"""The local Hub's state: accounts and their tokens, dataset repos and Spaces with every commit, tags,
gating, threads, likers and access requests, LFS objects, collections; and the two hooks a host
installs (the sandbox's extra routes and its save after each change; the tests' interference)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol
from urllib.parse import unquote

from services.local_hub.extension import Extension


def now() -> str:
    """The time as the Hub writes it (ISO 8601, milliseconds, Z)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


@dataclass
class User:
    name: str
    email: str
    orgs: dict[str, str] = field(default_factory=dict)  # org → roleInOrg ('admin', 'write', 'read')
    token_role: str = "write"  # read | write | fineGrained
    # fine-grained tokens: (entity type, entity name, permissions), as whoami-v2 lists them in
    # `auth.accessToken.fineGrained.scoped[]`; the Hub enforces them on every write.
    scoped: list[tuple[str, str, list[str]]] = field(default_factory=list)

    def can_write(self, namespace: str, repo_id: str = "") -> bool:
        """Whether the token may write there: the account or an org it writes to, and a token that may."""
        account = namespace == self.name or self.orgs.get(namespace) in {"admin", "write"}
        if self.token_role == "fineGrained":
            return account and any("repo.write" in perms and name.lower() in {namespace.lower(), repo_id.lower()}
                                   for _, name, perms in self.scoped)
        return self.token_role == "write" and account


@dataclass
class Commit:
    oid: str
    parent: str | None
    message: str
    files: dict[str, bytes]
    date: str
    author: str
    lfs: frozenset[str] = frozenset()  # paths stored in LFS (committed as `lfsFile`)


@dataclass
class Repo:
    id: str
    private: bool = False
    gated: str | bool = False
    commits: list[Commit] = field(default_factory=list)
    tags: dict[str, str] = field(default_factory=dict)
    downloads: int = 0
    downloads_all_time: int = 0
    likes: int = 0
    # Threads as the Hub's discussion details answer: num, title, status, isPullRequest, createdAt,
    # author ({name}, absent for a deleted account), events[]; plus `locked` (refuses comments).
    discussions: list[dict] = field(default_factory=list)
    likers: list[dict] = field(default_factory=list)  # [{user, fullname, avatarUrl}], as /likers lists them
    access_requests: list[dict] = field(default_factory=list)
    created: str = field(default_factory=now)
    type: str = "dataset"  # dataset | space
    sdk: str | None = None  # a Space's SDK: static serves its index.html

    @property
    def head(self) -> Commit:
        """The commit main is at."""
        return self.commits[-1]

    def at(self, revision: str) -> Commit | None:
        """The commit a revision (main, a tag, a commit id) names."""
        revision = unquote(revision)
        if revision == "main":
            return self.head
        if revision in self.tags:
            revision = self.tags[revision]
        return next((c for c in self.commits if c.oid == revision), None)


@dataclass
class Interference:
    """What a hook may do to one request instead of, or after, serving it: wait, hang up, or answer with a
    status (and headers, or an HTML page, as the Hub's gateway does on some 5xx)."""

    status: int | None = None
    drop: bool = False  # close the connection without an answer
    delay: float = 0.0
    after: bool = False  # drop or delay *after* doing the work (a commit that lands, unanswered or late)
    headers: dict[str, str] = field(default_factory=dict)  # sent with the status
    html: bool = False


class Interceptor(Protocol):
    """A hook the tests install (tests/support/hub_faults.py): the sandbox serves without one."""

    def before(self, method: str, path: str) -> Interference | None:
        """What to do to this request, if anything."""


@dataclass
class LocalHub:
    url: str = ""
    users: dict[str, User] = field(default_factory=dict)  # token → user
    repos: dict[str, Repo] = field(default_factory=dict)
    requests: list[tuple[str, str, int]] = field(default_factory=list)
    headers_seen: list[dict[str, str]] = field(default_factory=list)
    lfs_objects: dict[str, bytes] = field(default_factory=dict)  # sha256 → content, uploaded and verified
    spaces: dict[str, Repo] = field(default_factory=dict)  # Spaces, by id (a Space and a dataset may share one)
    collections: dict[str, dict] = field(default_factory=dict)  # slug → the collection as the API returns it
    lock: threading.RLock = field(default_factory=threading.RLock)
    # The sandbox's hooks: its own routes, and a save after every change that succeeded.
    extension: Extension | None = None
    on_change: Callable[[], None] | None = None
    interceptor: Interceptor | None = None  # the tests' faults

    def store(self, kind: str) -> dict[str, Repo]:
        """The repos of a kind: `space`, or datasets."""
        return self.spaces if kind == "space" else self.repos

    def reset(self) -> None:
        """Empty: no repo, Space, collection or logged request (the users and the hooks stay)."""
        with self.lock:
            self.repos.clear()
            self.requests.clear()
            self.headers_seen.clear()
            self.lfs_objects.clear()
            self.spaces.clear()
            self.collections.clear()

    def count(self, method: str, prefix: str) -> int:
        """How many requests of this method reached paths under `prefix`."""
        with self.lock:
            return sum(1 for m, p, _ in self.requests if m == method and p.startswith(prefix))

    def files(self, repo_id: str, revision: str = "main") -> dict[str, bytes]:
        """A dataset repo's files at a revision."""
        commit = self.repos[repo_id].at(revision)
        return dict(commit.files) if commit else {}
