"""The Hub's failures in words: one error type, which failures a retry may help, and how long to wait.

`str(HubError)` is what the page and the CLI show; it never holds the token.
"""

from __future__ import annotations

from huggingface_hub.errors import HfHubHTTPError

from services.errors import StudioError


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


def retry_after(exc: Exception) -> float | None:
    """How long the Hub asked the client to wait (`Retry-After`), at most 30 s."""
    response = getattr(exc, "response", None)
    value = response.headers.get("retry-after") if response is not None else None
    try:
        return min(float(value), 30.0) if value else None
    except ValueError:
        return None
