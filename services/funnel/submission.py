"""What a visitor's submission may store: the rules of the database's form functions, in Python.

Production's rules live in PostgreSQL (supabase/migrations/20261207010000_public_forms.sql: `submit_lead`,
`submit_feedback`), where no visitor can step around them. The sandbox must refuse exactly what they
refuse, or rehearsing there hides the holes a stranger would find; so this module states the same
rules once for the studio — the sandbox's endpoints and the landing page's own limits read them
here — and `tests/funnel/test_public_forms.py` runs one hostile corpus against both.

A call is decoded as PostgREST decodes a call of `/rpc/NAME` (a JSON object, the first object of an
array, or a form-encoded body; keys must be the function's parameters; values coerced to their SQL
types), then checked in the function's order, so both answer with the same status and code.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from services.funnel.landing_pages import LandingPage

# The form functions' limits: a text's length once normalised (the tables' CHECKs say the same).
EMAIL_MAX, NAME_MAX, ROLE_MAX, UTM_MAX, MESSAGE_MAX = 254, 200, 100, 100, 1000
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Dropped: C0/C1 controls but the whitespace ones, and invisible format characters (soft hyphen,
# zero-width, bidirectional marks and overrides, BOM). Collapsed to one space: every whitespace.
_DROPPED = re.compile("[\u0001-\u0008\u000e-\u001f\u007f-\u0084\u0086-\u009f\u00ad\u061c\u180e\u200b-\u200f"
                      "\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]")
_SPACE = re.compile("[\u0009-\u000d\u0020\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+")

LEAD_PARAMETERS = {"email": "text", "delivery_consent": "boolean", "consent_version": "text", "space_id": "text",
                   "tier": "text", "name": "text", "role": "text", "marketing_consent": "boolean",
                   "utm_source": "text", "utm_medium": "text", "utm_campaign": "text", "website": "text"}
LEAD_REQUIRED = frozenset({"email", "delivery_consent", "consent_version", "space_id", "tier"})
FEEDBACK_PARAMETERS = {"message": "text", "space_id": "text", "tier": "text", "email": "text",
                       "contact_consent": "boolean", "consent_version": "text", "website": "text"}
FEEDBACK_REQUIRED = frozenset({"message", "space_id", "tier"})
FUNCTIONS = {"submit_lead": (LEAD_PARAMETERS, LEAD_REQUIRED), "submit_feedback": (FEEDBACK_PARAMETERS,
                                                                                 FEEDBACK_REQUIRED)}


@dataclass(frozen=True)
class FormLimits:
    """Tries a minute, per client and per landing page: figures a real visitor never meets (the
    database keeps its own in `private.public_form_settings`, with these defaults)."""

    per_client_per_minute: int = 5
    per_page_per_minute: int = 60


class SubmissionRefusedError(Exception):
    """A call the database refuses: the HTTP status and code PostgREST answers with."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code


def form_text(value: str | None) -> str | None:
    """Text as a person typed it: controls and invisible characters dropped, whitespace collapsed and
    trimmed; None when nothing is left (the database's `private.form_text`)."""
    if value is None:
        return None
    return _SPACE.sub(" ", _DROPPED.sub("", value)).strip(" ") or None


def _refuse(message: str) -> SubmissionRefusedError:
    return SubmissionRefusedError(400, "22023", message)  # invalid_parameter_value


def _field(name: str, value: str | None, max_length: int, required: bool = False) -> str | None:
    clean = form_text(value)
    if clean is None and required:
        raise _refuse(f"{name} is required")
    if clean is not None and len(clean) > max_length:
        raise _refuse(f"{name} is longer than {max_length} characters")
    return clean


def _email(value: str | None, required: bool) -> str | None:
    clean = _field("email", value, EMAIL_MAX, required)
    if clean is not None and not EMAIL.match(clean):
        raise _refuse("email is not an email address")
    return clean


# --- decoding a call as PostgREST does -------------------------------------------------------------
_TRUE, _FALSE = ("true", "yes", "on", "1"), ("false", "no", "off", "0")


def _boolean(text: str) -> bool:
    """PostgreSQL's boolean input: true/yes/on/1 and false/no/off/0, any case, unique prefixes."""
    word = text.strip().lower()
    if word in {"1", "0", "on", "off"}:
        return word in {"1", "on"}
    if len(word) >= 2 and word.startswith("of") and "off".startswith(word):
        return False
    for options, answer in ((_TRUE, True), (_FALSE, False)):
        if word and any(o.startswith(word) for o in options if o not in {"on", "1", "off", "0"}):
            return answer
    raise SubmissionRefusedError(400, "22P02", f'invalid input syntax for type boolean: "{text}"')


def _jsonb_text(value: Any) -> str:
    """A JSON value given for a text parameter, as PostgreSQL prints it (jsonb's spacing and key order)."""
    if isinstance(value, dict):
        keys = sorted(value, key=lambda k: (len(k.encode()), k.encode()))
        return "{" + ", ".join(f"{json.dumps(k)}: {_jsonb_text(value[k])}" for k in keys) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_jsonb_text(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def _coerce(value: Any, sql_type: str) -> str | bool | None:
    if value is None:
        return None
    if isinstance(value, str) and "\x00" in value:
        raise SubmissionRefusedError(400, "22P05", "unsupported Unicode escape sequence")
    if sql_type == "boolean":
        if isinstance(value, bool):
            return value
        if isinstance(value, dict | list):
            raise SubmissionRefusedError(400, "22P02", f'invalid input syntax for type boolean: "{_jsonb_text(value)}"')
        return _boolean(value if isinstance(value, str) else _jsonb_text(value))
    if isinstance(value, str):
        return value
    return _jsonb_text(value)


def arguments(function: str, body: bytes, content_type: str) -> dict[str, Any]:
    """The call's arguments, decoded and typed as PostgREST passes them to `function`."""
    parameters, required = FUNCTIONS[function]
    kind = content_type.split(";")[0].strip().lower()
    if kind == "application/x-www-form-urlencoded":
        given: Any = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    elif kind in {"application/json", ""}:
        try:
            given = json.loads(body) if body.strip() else None
        except ValueError:
            raise SubmissionRefusedError(400, "PGRST102", "Empty or invalid json") from None
        if isinstance(given, list):
            given = given[0] if given else None  # PostgREST passes the first object of an array
    else:
        given = None
    if not isinstance(given, dict) or not given or set(given) - set(parameters) or required - set(given):
        raise SubmissionRefusedError(404, "PGRST202",
                                     f"Could not find the function public.{function} with these parameters")
    return {name: _coerce(value, parameters[name]) for name, value in given.items()}


# --- the two functions -----------------------------------------------------------------------------
def _page(pages: Callable[[str], LandingPage | None], space_id: Any, tier: Any) -> LandingPage:
    page = pages(form_text(space_id) or "")
    if page is None or not page.open or page.tier != form_text(tier):
        raise SubmissionRefusedError(410, "PT410", "this landing page does not take submissions")
    return page


@dataclass
class Accepted:
    """A call that passed every rule: the row to store (None for the honeypot) and the page it names."""

    page: LandingPage
    row: dict[str, Any] | None


def check_lead(args: Mapping[str, Any], pages: Callable[[str], LandingPage | None]) -> Accepted:
    """`submit_lead`'s rules, in its order; the columns of the `leads` row it would store."""
    page = _page(pages, args.get("space_id"), args.get("tier"))
    email = _email(args.get("email"), True)
    name = _field("name", args.get("name"), NAME_MAX)
    role = _field("role", args.get("role"), ROLE_MAX)
    utm = {k: _field(k, args.get(k), UTM_MAX) for k in ("utm_source", "utm_medium", "utm_campaign")}
    if args.get("delivery_consent") is not True:
        raise _refuse("delivery_consent must be given: it is what the form is for")
    if form_text(args.get("consent_version")) != page.consent_version:
        raise _refuse("consent_version is not the wording this page shows")
    if role is not None and role not in page.roles:
        raise _refuse("role is not one the page offers")
    row = {"email": email, "name": name, "role": role, "marketing_consent": bool(args.get("marketing_consent")),
           "consent_version": page.consent_version, "space_id": page.space_id, "tier": page.tier, **utm}
    return Accepted(page, None if form_text(args.get("website")) else row)


def check_feedback(args: Mapping[str, Any], pages: Callable[[str], LandingPage | None]) -> Accepted:
    """`submit_feedback`'s rules, in its order; the columns of the `feedback` row it would store."""
    page = _page(pages, args.get("space_id"), args.get("tier"))
    message = _field("message", args.get("message"), MESSAGE_MAX, required=True)
    email = _email(args.get("email"), False)
    consent = bool(args.get("contact_consent"))
    if email is not None and not consent:
        raise _refuse("email is kept only with contact_consent")
    if consent and form_text(args.get("consent_version")) != page.feedback_consent_version:
        raise _refuse("consent_version is not the wording this page shows")
    kept = consent and email is not None
    row = {"message": message, "email": email, "contact_consent": kept,
           "consent_version": page.feedback_consent_version if kept else None, "space_id": page.space_id,
           "tier": page.tier}
    return Accepted(page, None if form_text(args.get("website")) else row)


@dataclass
class TryWindow:
    """The tries of the last minute, per client and per page (`private.form_admit`): a try past a
    limit is refused with 429 and not counted, so one client's flood leaves the page open to others."""

    limits: FormLimits = field(default_factory=FormLimits)
    clock: Callable[[], float] = time.monotonic
    _tries: deque[tuple[float, str, str]] = field(default_factory=deque)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def admit(self, client: str, space_id: str) -> None:
        """Count one try, or raise `SubmissionRefusedError` (429) past a limit."""
        with self._lock:
            now = self.clock()
            while self._tries and self._tries[0][0] <= now - 60:
                self._tries.popleft()
            if (sum(1 for _, c, _ in self._tries if c == client) >= self.limits.per_client_per_minute
                    or sum(1 for _, _, s in self._tries if s == space_id) >= self.limits.per_page_per_minute):
                raise SubmissionRefusedError(429, "PT429", "too many tries, please wait a minute")
            self._tries.append((now, client, space_id))
