"""One request to the local Hub, as every route sees it, and the reply a route gives.

A route is a plain function of a `HubRequest`: it reads what it needs from it (the caller, the repo, the
body) and returns a `Reply` (or raises `HubError`). Nothing is left on a handler between two requests:
the headers a reply carries (a listing's next page, a file's etag) travel in the reply itself.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import Message
from urllib.parse import urlencode

from services.local_hub.rules import PAGE_SIZE, REPO_NOT_FOUND, HubError
from services.local_hub.state import LocalHub, Repo, User

JSON = "application/json"


@dataclass
class Reply:
    """What a route answers: a JSON payload, or raw bytes of a content type, and headers."""

    payload: object = None
    raw: bytes | None = None
    content_type: str = JSON
    headers: dict[str, str] = field(default_factory=dict)
    status: int = 200


@dataclass(frozen=True)
class HubRequest:
    """One request: its method, path, segments and query, its headers, its body (read once, however often
    asked for), and the Hub it reached."""

    hub: LocalHub
    method: str
    path: str
    parts: list[str]  # the path's segments, unquoted
    query: dict[str, list[str]]
    query_string: str  # as sent (a Space's page hands it on to the app)
    headers: Message  # case-insensitive, as the server parsed them
    body: Callable[[], bytes]

    def json(self) -> dict:
        """The body as a JSON object (empty when there is none)."""
        return json.loads(self.body() or b"{}")

    def user(self, required: bool = True) -> User | None:
        """The token's account; 401 for a token the Hub does not know, or for none when one is required."""
        auth = self.headers.get("authorization", "") or ""
        token = auth.removeprefix("Bearer ").strip() if auth.startswith("Bearer ") else ""
        user = self.hub.users.get(token)
        if user is None and (required or token):
            raise HubError(401, "Invalid credentials in Authorization header")
        return user

    def caller(self) -> User:
        """The token's account; 401 without a valid token."""
        user = self.user()
        if user is None:
            raise HubError(401, "Invalid credentials in Authorization header")
        return user

    def repo(self, kind: str, repo_id: str, user: User | None, write: bool = False) -> Repo:
        """A dataset repo or Space the caller may see (404 as the Hub answers, for a private one too), and
        may write to when `write` (403)."""
        repo = self.hub.store(kind).get(repo_id)
        namespace = repo_id.split("/")[0]
        member = user is not None and (namespace == user.name or namespace in user.orgs)
        if repo is None or (repo.private and not member):
            raise HubError(404, "Repository not found", headers=REPO_NOT_FOUND)
        if write and not (user and user.can_write(namespace, repo_id)):
            raise HubError(403, f"You don't have the rights to write to {repo_id}")
        return repo

    def page(self, items: list) -> Reply:
        """One page of a listing, and a `Link: <…>; rel="next"` header while more remain: the Hub
        paginates its listings this way, and huggingface_hub's `paginate` follows the link. Pages are
        small here (PAGE_SIZE), so every listing in a test spans several."""
        start = int(self.query.get("cursor", ["0"])[0])
        headers = {}
        if start + PAGE_SIZE < len(items):
            rest = {k: v[0] for k, v in self.query.items() if k != "cursor"}
            headers["Link"] = f'<{self.hub.url}{self.path}?{urlencode({**rest, "cursor": start + PAGE_SIZE})}>; ' \
                              'rel="next"'
        return Reply(items[start:start + PAGE_SIZE], headers=headers)
