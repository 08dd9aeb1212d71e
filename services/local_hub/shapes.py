"""The JSON the Hub answers with, for the parts built outside a request: a thread and its comments, a
liker (the sandbox's story seeds them; the tests build them), a repo's info, the caller's whoami."""

from __future__ import annotations

import hashlib

from services.local_hub.state import Commit, Repo, User


def comment_event(author: str | None, text: str, at: str, hidden: bool = False, edited: bool = False) -> dict:
    """A `comment` event as discussion details list it; a deleted account has no `author`, a hidden
    comment keeps no text (the Hub empties it; huggingface_hub reads `data.latest.raw`)."""
    return {"id": hashlib.sha1(f"{author}{at}{text}".encode()).hexdigest()[:24], "type": "comment", "createdAt": at,
            **({"author": {"name": author, "fullname": author.title(), "type": "user"}} if author else {}),
            "data": {"edited": edited, "hidden": hidden,
                     "latest": {"raw": "" if hidden else text, "html": "" if hidden else f"<p>{text}</p>",
                                "updatedAt": at}}}


def thread(num: int, title: str, author: str | None, at: str, comments: list[dict] | None = None,
           status: str = "open", pull_request: bool = False, locked: bool = False, body: str = "") -> dict:
    """A discussion as the Hub keeps it: its opening post is its first comment event."""
    return {"num": num, "title": title, "status": status, "isPullRequest": pull_request, "createdAt": at,
            **({"author": {"name": author, "type": "user"}} if author else {}),
            "events": [comment_event(author, body or title, at), *(comments or [])], "locked": locked}


def liker(user: str) -> dict:
    """A liker as `/likers` lists it."""
    return {"user": user, "fullname": user.title(), "avatarUrl": f"/avatars/{user}.png"}


def repo_info(repo: Repo, commit: Commit) -> dict:
    """`GET /api/{datasets|spaces}/{id}[/revision/{rev}]`: a repo's info at a commit."""
    return {"_id": repo.id, "id": repo.id, "author": repo.id.split("/")[0], "sha": commit.oid,
            **({"sdk": repo.sdk} if repo.type == "space" else {}),
            "private": repo.private, "gated": repo.gated, "disabled": False, "downloads": repo.downloads,
            "downloadsAllTime": repo.downloads_all_time,
            "likes": repo.likes, "tags": [], "createdAt": repo.created, "lastModified": commit.date,
            "siblings": [{"rfilename": p} for p in sorted(commit.files)]}


def whoami(user: User) -> dict:
    """`GET /api/whoami-v2`: the token's account, its orgs and roles, and what the token may do."""
    return {"type": "user", "name": user.name, "fullname": user.name.title(), "email": user.email,
            "orgs": [{"name": org, "roleInOrg": role} for org, role in user.orgs.items()],
            "auth": {"type": "access_token",
                     "accessToken": {"displayName": "studio", "role": user.token_role,
                                     **({"fineGrained": {"global": ["discussion.write"], "scoped": [
                                         {"entity": {"type": kind, "name": name}, "permissions": perms}
                                         for kind, name, perms in user.scoped]}}
                                        if user.token_role == "fineGrained" else {})}}}
