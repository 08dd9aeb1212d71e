"""Every discussion of a released repo or Space, with its comments, and its likers, from the Hub.

Read through the studio's client (`services.hub.api.call`: bounded time, rate limits waited out or
said, errors in words). A repo that cannot be read says so on its row (`RepoFeedback.error`) and is
never read as "no feedback"; one thread that cannot be read is named and the others are kept.
"""

from __future__ import annotations

from huggingface_hub import HfApi
from huggingface_hub.community import DiscussionComment

from services.feedback.models import Comment, RepoFeedback, Thread
from services.feedback.themes import ThemeIndex
from services.hub.api import call
from services.hub.config import HubSettings
from services.hub.errors import HubError
from services.strategy.links import RepoType, repo_url


def _likes(api: HfApi, settings: HubSettings, repo_id: str, repo_type: RepoType) -> int:
    if repo_type == "space":
        space = call(settings, "reading the Space", lambda: api.space_info(repo_id, expand=["likes"]), repo_id)
        return space.likes or 0
    info = call(settings, "reading the repo", lambda: api.dataset_info(repo_id, expand=["likes"]), repo_id)
    return info.likes or 0


def _thread(api: HfApi, settings: HubSettings, repo_id: str, repo_type: RepoType, num: int, url: str,
            team: set[str], index: ThemeIndex) -> Thread:
    details = call(settings, f"reading discussion #{num}",
                   lambda: api.get_discussion_details(repo_id, num, repo_type=repo_type), repo_id)
    comments = [Comment(author=e.author, created_at=e.created_at, text="" if e.hidden else e.content,
                        hidden=e.hidden, edited=e.edited, owner_side=e.author.lower() in team)
                for e in details.events if isinstance(e, DiscussionComment)]
    opened = comments[0].created_at if comments else details.created_at
    answered = details.author.lower() in team or any(
        c.owner_side and c.created_at >= opened for c in comments[1:])
    said = " \n".join([details.title, *(c.text for c in comments if not c.owner_side and not c.hidden)])
    matches = index.match(said)
    return Thread(repo_id=repo_id, repo_type=repo_type, num=details.num, title=details.title, status=details.status,
                  author=details.author, created_at=details.created_at, url=f"{url}/discussions/{details.num}",
                  is_pull_request=details.is_pull_request, answered=answered, themes=[m.theme for m in matches],
                  matches=matches, comments=comments)


def read_repo(api: HfApi, settings: HubSettings, repo_id: str, repo_type: RepoType, team: set[str],
              bots: set[str], index: ThemeIndex) -> RepoFeedback:
    """A repo's likes, likers (every page) and every human thread (every page) with its comments."""
    url = repo_url(settings.endpoint, repo_type, repo_id)
    out = RepoFeedback(repo_id=repo_id, repo_type=repo_type, url=url)
    try:
        out.likes = _likes(api, settings, repo_id, repo_type)
        out.likers = call(settings, "reading the likers",
                          lambda: [u.username for u in api.list_repo_likers(repo_id, repo_type=repo_type)], repo_id)
        listed = call(settings, "reading the discussions",
                      lambda: list(api.get_repo_discussions(repo_id, repo_type=repo_type)), repo_id)
    except HubError as exc:
        out.error = str(exc)
        return out
    unread: list[str] = []
    for d in listed:
        if d.author.lower() in bots:
            out.automated += 1
            continue
        try:
            out.threads.append(_thread(api, settings, repo_id, repo_type, d.num, url, team, index))
        except HubError as exc:
            unread.append(f"discussion #{d.num}: {exc}")
        except (KeyError, TypeError, ValueError) as exc:  # an event the client could not read
            unread.append(f"discussion #{d.num}: the Hub's answer could not be read ({type(exc).__name__} {exc})")
    if unread:
        out.error = f"{len(unread)} of {len(listed) - out.automated} thread(s) could not be read: " + "; ".join(unread)
    out.threads.sort(key=lambda t: (t.answered, t.created_at, t.num))
    return out
