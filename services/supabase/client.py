"""One supabase-py client per project, with our own retries and errors said in words.

supabase-py's own retry (GETs on 503/520, waits up to 30 s) is switched off: the studio retries
timeouts, 5xx, 429 and dropped connections itself, with a short, bounded backoff, so a page never
hangs for minutes. Every failure becomes a `SupabaseError` whose message says what happened and
what to do, and never contains the key.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import httpx
from postgrest.exceptions import APIError
from storage3.exceptions import StorageApiError
from supabase import Client, ClientOptions, create_client

from services.supabase.config import SupabaseSettings
from services.supabase.errors import SupabaseError
from services.utils.retrying import retrying

T = TypeVar("T")
RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504, 520, 522, 524})
BAD_KEY_CODES = frozenset({"PGRST301", "PGRST302", "PGRST303"})


_last_status = threading.local()


def _remember_status(response: httpx.Response) -> None:
    """postgrest-py's APIError drops the HTTP status; keep it per thread to classify the error."""
    _last_status.value = response.status_code


@dataclass
class SupabaseSession:
    """A configured supabase-py client and the HTTP client it shares with our streaming downloads."""

    settings: SupabaseSettings
    client: Client
    http: httpx.Client

    def auth_headers(self) -> dict[str, str]:
        """The headers PostgREST and Storage expect (never logged)."""
        key = self.settings.key.get_secret_value()
        return {"apikey": key, "Authorization": f"Bearer {key}"}

    def close(self) -> None:
        """Close the HTTP connections."""
        self.http.close()


def connect(settings: SupabaseSettings) -> SupabaseSession:
    """Build the client (no request is made yet: the first read tells whether it works)."""
    http = httpx.Client(timeout=settings.timeout, follow_redirects=True,
                        limits=httpx.Limits(max_connections=settings.workers * 2,
                                            max_keepalive_connections=settings.workers * 2),
                        event_hooks={"response": [_remember_status]})
    options = ClientOptions(httpx_client=http, postgrest_client_retry=False, auto_refresh_token=False,
                            persist_session=False)
    client = create_client(settings.url, settings.key.get_secret_value(), options)
    return SupabaseSession(settings=settings, client=client, http=http)


def call(session: SupabaseSession, what: str, action: Callable[[], T]) -> T:
    """Run one request with retries where a retry can help; raise SupabaseError otherwise.

    `what` names the read in the message ("table `conversations`", "`training-files/…/training.json`").
    """
    settings = session.settings

    def attempt() -> T:
        _last_status.value = None
        return action()

    return retrying(attempt, lambda exc: classify(exc, settings, what, getattr(_last_status, "value", None)),
                    settings.retries + 1, settings.backoff)


def classify(exc: Exception, settings: SupabaseSettings, what: str,
             status: int | None = None) -> tuple[SupabaseError, bool]:
    """(the error in words, whether trying again may help)."""
    host = settings.host
    redact = settings.redact

    def error(code: str, message: str) -> SupabaseError:
        return SupabaseError(code, redact(message), f"Supabase {host}, {what}")

    if isinstance(exc, SupabaseError):
        return exc, False
    if isinstance(exc, httpx.TimeoutException):
        return error("timeout", f"no answer within {settings.timeout:g} s"), True
    if isinstance(exc, httpx.ConnectError):
        return error("unreachable", f"cannot connect ({redact(str(exc)) or 'connection refused'}); "
                                    "check the URL and the network"), True
    if isinstance(exc, httpx.TransportError):
        return error("network", f"the connection broke off ({type(exc).__name__}); "
                                "the network or the server dropped it"), True
    if isinstance(exc, StorageApiError):
        return _storage_error(exc, error)
    if isinstance(exc, APIError):
        return _postgrest_error(exc, status, error)
    return error("unexpected", f"{type(exc).__name__}: {redact(str(exc))}"), False


def _storage_error(exc: StorageApiError, error: Callable[[str, str], SupabaseError]) -> tuple[SupabaseError, bool]:
    status = int(exc.status) if str(exc.status).isdigit() else 0
    message = str(exc.message)
    if status == 404 or "not found" in message.lower():
        return error("missing_object", "the file is not in Storage (object not found)"), False
    if status in {401, 403} or "row-level security" in message:
        return error("no_permission", "the key may not read this bucket: private buckets need a signed-in "
                                      "user's key or the service role key"), False
    if status in RETRYABLE_STATUS:
        return error("server_error", f"Storage answered HTTP {status}"), True
    return error("storage_error", f"Storage answered HTTP {status or '?'}: {message}"), False


def _postgrest_error(exc: APIError, status: int | None,
                     error: Callable[[str, str], SupabaseError]) -> tuple[SupabaseError, bool]:
    message, code = str(exc.message or ""), str(exc.code or "")
    if code == "42501" or status == 403:  # 42501 comes as 401 for the anon role, 403 for others
        return error("no_permission", "the key's role is not allowed to do this on this table "
                                      "(permission denied)"), False
    if status == 401 or code in BAD_KEY_CODES or "Invalid API key" in message or "JWT" in message:
        detail = "it has expired" if "expired" in message.lower() else "it is not a key of this project"
        return error("bad_key", f"the key was refused ({detail}); check `key` under [connections.supabase] "
                                "or SUPABASE_KEY"), False
    if code in {"PGRST205", "42P01"}:
        return error("missing_table", "the table does not exist in this project; is the URL the right "
                                      "project?"), False
    if status == 404:
        return error("not_supabase", "nothing answers like Supabase at this URL (HTTP 404); check the URL"), False
    if status in RETRYABLE_STATUS:
        return error("server_error", f"Supabase answered HTTP {status}"), True
    shown = f"HTTP {status}: " if status else ""
    return error("api_error", f"{shown}{message or code or 'request failed'}"), False
