"""What people do around a repo: discussions and their comments, likers, access requests — what
`get_repo_discussions`, `get_discussion_details`, `comment_discussion`, `list_repo_likers`,
`list_*_access_requests` and `accept/reject_access_request` call."""

from __future__ import annotations

import hashlib

from services.local_hub.request import HubRequest, Reply
from services.local_hub.rules import DISCUSSION_PAGE_SIZE, HubError
from services.local_hub.state import Repo, User, now


def discussions(req: HubRequest, repo: Repo, rest: list[str], user: User | None) -> Reply:
    """`GET …/discussions?p=&type=&status=&author=` → `{discussions, count, start, numItemsPerPage}`,
    newest first, a fixed page size (the client pages until `start + len(discussions) >= count`,
    hf_api.get_repo_discussions); `GET …/discussions/{num}?diff=1` → the thread with its `events`
    (and `changes.base`, `filesWithConflicts` for a pull request, which the client reads);
    `POST …/discussions/{num}/comment {comment}` → `{newMessage: event}` (comment_discussion), for a
    token that may write discussions (a read token may not), refused on a locked thread."""
    where = {"name": repo.id, "type": repo.type}
    query = req.query
    if not rest:
        wanted = [t for t in sorted(repo.discussions, key=lambda t: -t["num"])
                  if query.get("type", ["all"])[0] in {"all", "pull_request" if t.get("isPullRequest")
                                                        else "discussion"}
                  and query.get("status", ["all"])[0] in {"all", t.get("status", "open")}
                  and ("author" not in query or (t.get("author") or {}).get("name") == query["author"][0])]
        start = int(query.get("p", ["0"])[0]) * DISCUSSION_PAGE_SIZE
        shown = [{k: v for k, v in t.items() if k not in {"events", "locked"}} | {"repo": where}
                 for t in wanted[start:start + DISCUSSION_PAGE_SIZE]]
        return Reply({"discussions": shown, "count": len(wanted), "start": start,
                      "numItemsPerPage": DISCUSSION_PAGE_SIZE})
    thread = next((t for t in repo.discussions if str(t["num"]) == rest[0]), None)
    if thread is None:
        raise HubError(404, "Discussion not found")
    if rest[1:] == ["comment"] and req.method == "POST":
        return _comment(req, repo, thread, user)
    if rest[1:]:
        raise HubError(404, "no route")
    detail = {k: v for k, v in thread.items() if k != "locked"} | {"repo": where}
    detail.setdefault("events", [])
    if thread.get("isPullRequest"):
        detail |= {"changes": {"base": "refs/heads/main"}, "filesWithConflicts": [], "diff": ""}
    return Reply(detail)


def _comment(req: HubRequest, repo: Repo, thread: dict, user: User | None) -> Reply:
    req.body()  # read first: a refused request must not leave its body on the connection
    if user is None:
        raise HubError(401, "Invalid credentials in Authorization header")
    if user.token_role == "read":
        raise HubError(403, "You don't have the rights to write to discussions: your token is read-only")
    if thread.get("locked"):
        raise HubError(403, "This discussion is locked: new comments are not allowed")
    text = req.json().get("comment", "")
    if not text.strip():
        raise HubError(400, "comment is required")
    event = {"id": hashlib.sha1(f"{repo.id}{thread['num']}{len(thread.get('events', []))}{text}".encode())
             .hexdigest()[:24], "type": "comment", "createdAt": now(),
             "author": {"name": user.name, "fullname": user.name.title(), "type": "user"},
             "data": {"edited": False, "hidden": False,
                      "latest": {"raw": text, "html": f"<p>{text}</p>", "updatedAt": now()}}}
    thread.setdefault("events", []).append(event)
    return Reply({"newMessage": event})


def likers(req: HubRequest, repo: Repo) -> Reply:
    """`GET …/likers`, paged."""
    return req.page(repo.likers)


def access_requests(req: HubRequest, repo: Repo, status: str) -> Reply:
    """`GET …/user-access-request/{pending|accepted|rejected}`, paged (the repo's writers only)."""
    return req.page([r for r in repo.access_requests if r["status"] == status])


def handle_request(req: HubRequest, repo: Repo) -> Reply:
    """`POST …/user-access-request/handle` with `{user | requestId, status, rejectionReason}`: the
    answers huggingface_hub documents for `accept_access_request` / `reject_access_request` — 400
    when the repo is not gated, 404 when the request cannot be found or is already in that list;
    the reason is shown to the user and holds at most 200 characters."""
    payload = req.json()
    if not repo.gated:
        raise HubError(400, "This repository is not gated")
    status = payload.get("status")
    if status not in {"accepted", "rejected", "pending"}:
        raise HubError(400, "Invalid status")
    reason = payload.get("rejectionReason")
    if reason is not None and (status != "rejected" or len(reason) > 200):
        raise HubError(400, "rejectionReason: at most 200 characters, and only when rejecting")
    found = next((r for r in repo.access_requests
                  if ("user" in payload and (r.get("user") or {}).get("user") == payload["user"])
                  or ("requestId" in payload and r.get("requestId") == payload["requestId"])), None)
    if found is None:
        raise HubError(404, "Access request not found")
    if found["status"] == status:
        raise HubError(404, f"Access request is already in the {status} list")
    found["status"] = status
    if reason:
        found["rejectionReason"] = reason
    return Reply({})
