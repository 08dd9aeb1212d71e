"""Routes a host adds beside the Hub's: the sandbox's landing-form endpoints and pages are served by the
same server as its Hub, so a landing Space posts to 127.0.0.1 as it would post to Supabase."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

Answer = tuple[int, object, "bytes | None", str]  # status, JSON payload, raw body (instead), content type

# What a landing form's endpoint answers with: the CORS headers Supabase's gateway sends (a landing
# page is opened from another origin, as on the real Hub, where Spaces live on their own host).
FORM_CORS = {"access-control-allow-origin": "*", "access-control-allow-methods": "GET, POST, OPTIONS",
             "access-control-allow-headers": "apikey, authorization, content-type, prefer"}


@dataclass(frozen=True)
class ExtensionRequest:
    """One request as an extension's routes see it."""

    method: str
    parts: list[str]  # the path's segments, unquoted
    headers: Mapping[str, str]  # lower-case names
    body: Callable[[], bytes]  # read once, however often called
    client: str  # the address the request came from


class Extension(Protocol):
    """Routes a host adds beside the Hub's (the sandbox's form endpoints and pages): None when the
    path is not one of its own, so the Hub's routing goes on. An answer carries its own headers
    (CORS where, and only where, the route is meant for other origins)."""

    def route(self, request: ExtensionRequest) -> tuple[Answer, Mapping[str, str]] | None:
        """The answer to one request and its headers, or None."""
