"""The sign-in's way back: after the provider, the user lands on the page they left, and a sign-in that
failed or could not start is said on that page in words.

Streamlit's OpenID Connect routes always end on the app's root, and when the provider cannot be
reached, "Log in" ends on a bare "Authentication error". This ASGI middleware, installed on the
`st.App` (app.py), sits in front of those routes without changing them:

- `…/auth/login`: remembers the page the user came from (the `Referer`, same origin, a page path
  only) in a short-lived, HttpOnly cookie; if the login cannot start (the provider is down, the
  configuration is broken), answers with a redirect back to that page and `?sign_in=unavailable`
  instead of the bare error;
- `…/oauth2callback`: when a sign-in returns, sends the browser to the remembered page instead of the
  root, with `?sign_in=failed` when no signed-in user came back (refused, cancelled, or the token
  exchange failed). A logout's return (no `code`, no `error`) passes untouched.

The page reads `sign_in` and says it (`components.access.return_notice`). No Streamlit import here.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, MutableMapping
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qs, urlsplit

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

RETURN_COOKIE = "lms_sign_in_return"
RETURN_MAX_AGE = 600  # seconds: a sign-in takes a minute, not a day
USER_COOKIE = "_streamlit_user"  # what Streamlit's callback sets for a signed-in user
LOGIN, CALLBACK = "/auth/login", "/oauth2callback"
PAGE_PATH = re.compile(r"^/[A-Za-z0-9_-]*$")  # a page of the app: never another site, never a path with dots


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}


def _came_from(scope: Scope, base: str) -> str:
    """The page path (under `base`) the login was started from; the root when it cannot be told."""
    headers = _headers(scope)
    referer = urlsplit(headers.get("referer", ""))
    if referer.netloc != headers.get("host", "") or not referer.path.startswith(base):
        return "/"
    page = "/" + referer.path[len(base):].lstrip("/")
    return page if PAGE_PATH.match(page) else "/"


def _cookie(scope: Scope, name: str) -> str | None:
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(_headers(scope).get("cookie", ""))
    except Exception:  # a malformed Cookie header: as if there were none
        return None
    morsel = jar.get(name)
    return morsel.value if morsel is not None and PAGE_PATH.match(morsel.value) else None


def _set_cookie(value: str, base: str, max_age: int) -> tuple[bytes, bytes]:
    return b"set-cookie", (f"{RETURN_COOKIE}={value}; Path={base or '/'}; Max-Age={max_age}; HttpOnly; "
                           "SameSite=Lax").encode("latin-1")


def _sets_user(header: bytes) -> bool:
    """Whether a Set-Cookie header sets the signed-in user (not one that deletes it)."""
    text = header.decode("latin-1")
    value = text.split(";", 1)[0].removeprefix(f"{USER_COOKIE}=")
    return text.startswith(f"{USER_COOKIE}=") and value not in {"", '""'} and "max-age=0" not in text.lower()


def _redirect(location: str, extra: list[tuple[bytes, bytes]]) -> list[Message]:
    headers = [(b"location", location.encode("latin-1")), (b"content-length", b"0"), *extra]
    return [{"type": "http.response.start", "status": 303, "headers": headers},
            {"type": "http.response.body", "body": b""}]


class SignInReturn:
    """ASGI middleware: see the module's docstring."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass everything through; watch the login and the callback."""
        path = scope.get("path", "") if scope.get("type") == "http" else ""
        if path.endswith(LOGIN):
            await self._login(scope, receive, send, path[: -len(LOGIN)])
        elif path.endswith(CALLBACK):
            await self._callback(scope, receive, send, path[: -len(CALLBACK)])
        else:
            await self.app(scope, receive, send)

    async def _login(self, scope: Scope, receive: Receive, send: Send, base: str) -> None:
        page = _came_from(scope, base)
        remember = _set_cookie(page, base, RETURN_MAX_AGE)
        failed = False

        async def watch(message: Message) -> None:
            nonlocal failed
            if message["type"] == "http.response.start":
                failed = message["status"] >= 400
                if not failed:
                    message["headers"] = [*message.get("headers", []), remember]
            if not failed:
                await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception:  # the login could not start at all (Authlib missing, a broken configuration)
            failed = True
        if failed:
            for message in _redirect(f"{base}{page}?sign_in=unavailable", [_set_cookie("", base, 0)]):
                await send(message)

    async def _callback(self, scope: Scope, receive: Receive, send: Send, base: str) -> None:
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        page = _cookie(scope, RETURN_COOKIE)
        if page is None or not ({"code", "error"} & set(query)):  # not a sign-in we started: a logout's return
            await self.app(scope, receive, send)
            return

        async def redirect(message: Message) -> None:
            if message["type"] == "http.response.start" and 300 <= message["status"] < 400:
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"location"]
                signed_in = any(k.lower() == b"set-cookie" and _sets_user(v) for k, v in headers)
                where = f"{base}{page}" + ("" if signed_in else "?sign_in=failed")
                message["headers"] = [*headers, (b"location", where.encode("latin-1")), _set_cookie("", base, 0)]
            await send(message)

        await self.app(scope, receive, redirect)
