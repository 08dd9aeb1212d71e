"""The Hub's failures in words: one error type, which failures a retry may help, and how long to wait.

`str(HubError)` is what the page and the CLI show; it never holds the token.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from huggingface_hub.errors import HfHubHTTPError, RepositoryNotFoundError
from huggingface_hub.utils import parse_ratelimit_headers

from services.errors import StudioError

MAX_WAIT = 60.0  # seconds the studio waits out a rate limit; a longer one is said, with when to try again


class HubError(StudioError):
    """A Hub step failed; `str()` is the message for the page and the CLI (never the token)."""

    def __init__(self, code: str, message: str, step: str = "", given_up: str = "") -> None:
        self.code = code
        self.message = message
        self.step = step
        self.given_up = given_up  # what to add once the retries are spent
        super().__init__(f"{step}: {message}" if step else message)

    def tried(self, attempts: int) -> HubError:
        """The same error, saying how often it was tried (and what that means)."""
        return HubError(self.code, f"{self.message} (tried {attempts} times){self.given_up}", self.step)


CARD_INVALID = "Invalid metadata in README.md."  # how huggingface_hub's `_validate_yaml` starts its ValueError


def card_errors_of(exc: Exception) -> list[str] | None:
    """The Hub's errors about a card's YAML, one per line of huggingface_hub's ValueError; None when
    `exc` is not that error."""
    if not (isinstance(exc, ValueError) and str(exc).startswith(CARD_INVALID)):
        return None
    return [line.removeprefix("- ") for line in str(exc).splitlines()[1:] if line.strip()]


def classify(exc: Exception, what: str, repo_id: str = "") -> tuple[HubError, bool]:
    """(the error in words, whether a retry may help)."""
    namespace = repo_id.split("/")[0] if repo_id else "this namespace"
    if isinstance(exc, HubError):
        return exc, False
    if isinstance(exc, RepositoryNotFoundError):  # 404, or a 401 the client reads as RepoNotFound
        return HubError("not_found", f"`{repo_id}` was not found (or is private to another account)", what), False
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
            limit = parse_ratelimit_headers(exc.response.headers)
            if limit is not None and limit.reset_in_seconds > MAX_WAIT:
                until = datetime.now(UTC) + timedelta(seconds=limit.reset_in_seconds)
                return HubError("rate_limited", f"the Hub is rate-limiting these requests (HTTP 429) for another "
                                                f"{_duration(limit.reset_in_seconds)}: try again after "
                                                f"{until:%H:%M} UTC", what), False
            return HubError("rate_limited", "the Hub is rate-limiting these requests (HTTP 429)", what), True
        if status >= 500:
            return HubError("server_error", f"the Hub failed (HTTP {status})", what), True
        return HubError("hub_error", f"the Hub answered HTTP {status}", what), False
    if isinstance(exc, json.JSONDecodeError):
        # huggingface_hub reads some answers as JSON before their status (validate-yaml does): a gateway's
        # HTML error page then surfaces as a JSONDecodeError. It is the Hub failing, and may pass.
        return HubError("server_error", "the Hub answered with an error page instead of data", what), True
    if (errors := card_errors_of(exc)) is not None:  # the Hub's verdict on the card, inside `create_commit`
        return HubError("invalid_card", "the Hub refuses the card's YAML: " + "; ".join(errors), what), False
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


def _duration(seconds: int) -> str:
    return f"{seconds} s" if seconds < 120 else f"{round(seconds / 60)} min"


def retry_after(exc: Exception) -> float | None:
    """How long the Hub asked the client to wait, at most `MAX_WAIT` s: until its rate-limit window
    resets (`ratelimit: "api";r=0;t=…`; no request inside the window), else `Retry-After`."""
    response = getattr(exc, "response", None)
    if response is None:
        return None
    limit = parse_ratelimit_headers(response.headers)
    if limit is not None and limit.remaining == 0:
        return min(float(limit.reset_in_seconds) + 1.0, MAX_WAIT)  # one second past the reset
    value = response.headers.get("retry-after")
    try:
        return min(float(value), MAX_WAIT) if value else None
    except ValueError:
        return None


def said_pause(say: Callable[[str], None] | None) -> Callable[[Exception], float | None]:
    """`retry_after`, saying a rate-limit wait before it starts: how long, and until when (UTC)."""
    def pause(exc: Exception) -> float | None:
        wait = retry_after(exc)
        if wait and say is not None:
            until = datetime.now(UTC) + timedelta(seconds=wait)
            say(f"The Hub is rate-limiting: waiting {wait:.0f} s, until {until:%H:%M:%S} UTC, before trying again")
        return wait
    return pause
