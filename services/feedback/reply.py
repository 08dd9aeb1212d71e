"""An answer to a thread, posted once.

A comment is not idempotent, so it is sent once, never retried blindly: after a lost or late answer
the thread is read again and a comment of ours with the same text is recognised as landed. Errors
come in words: a read-only token, a locked thread, a rate limit, a thread that does not exist.
"""

from __future__ import annotations

from datetime import UTC, datetime

from huggingface_hub import HfApi
from huggingface_hub.community import DiscussionComment
from huggingface_hub.errors import HfHubHTTPError

from services.hub.api import call
from services.hub.config import HubSettings
from services.hub.errors import HubError, classify
from services.strategy.links import RepoType

MAX_REPLY = 65_000  # characters: the Hub's comments are markdown; a reply longer than this is a mistake


def _in_words(exc: Exception, repo_id: str, num: int) -> HubError:
    what = f"answering discussion #{num} of {repo_id}"
    if isinstance(exc, HfHubHTTPError) and exc.response is not None:
        said = (exc.server_message or "").lower()
        if exc.response.status_code == 403 and "locked" in said:
            return HubError("locked", "the thread is locked: the Hub accepts no new comments on it", what)
        if exc.response.status_code == 403:
            return HubError("no_write", "the token may not comment: it is read-only, or a fine-grained token "
                                        "without permission to write discussions", what)
        if exc.response.status_code == 404:
            return HubError("not_found", f"discussion #{num} of `{repo_id}` was not found", what)
    return classify(exc, what, repo_id)[0]


def _landed(api: HfApi, settings: HubSettings, repo_id: str, num: int, repo_type: RepoType, text: str,
            me: str, since: datetime) -> bool:
    details = call(settings, "reading the thread again", lambda: api.get_discussion_details(
        repo_id, num, repo_type=repo_type), repo_id)
    return any(isinstance(e, DiscussionComment) and e.author == me and e.content == text and e.created_at >= since
               for e in details.events)


def reply(api: HfApi, settings: HubSettings, repo_id: str, num: int, text: str, repo_type: RepoType,
          me: str) -> DiscussionComment | None:
    """Post `text` as a comment on thread `num`; the new comment (None: it landed, its answer was lost)."""
    if not text.strip():
        raise HubError("empty", "the reply is empty", f"answering discussion #{num} of {repo_id}")
    if len(text) > MAX_REPLY:
        raise HubError("too_long", f"the reply holds {len(text):,} characters; at most {MAX_REPLY:,}",
                       f"answering discussion #{num} of {repo_id}")
    since = datetime.now(UTC).replace(microsecond=0)
    try:
        return api.comment_discussion(repo_id, num, text, repo_type=repo_type)
    except Exception as exc:
        error = _in_words(exc, repo_id, num)
        if error.code in {"timeout", "network", "server_error"} and _landed(api, settings, repo_id, num, repo_type,
                                                                              text, me, since):
            return None
        raise error from None
