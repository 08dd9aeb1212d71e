"""Start, find, reset and stop the sandbox: one local Hub per folder, per machine.

The app starts it with its server (the lifespan hook) and the CLI with `--sandbox`. A process
that finds the sandbox already served for its folder (the app running while the CLI is used)
talks to that one instead of starting a second writer of the same files. It listens on
127.0.0.1 only, on `STUDIO_SANDBOX_PORT` (8599) so the links a release keeps stay valid across
restarts; another port is taken, and said, when that one is busy.

The sandbox's token, owner and publishable key are fixed and not secrets: the sandbox answers
only on the loopback interface and holds nothing but the fictional story and rehearsals.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import threading
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from pydantic import SecretStr

from services.feedback.forms import JsonlAnswers
from services.funnel.landing_pages import JsonlLandingPages
from services.funnel.leads import JsonlLeads
from services.funnel.space import LeadCapture
from services.hub.config import HubSettings
from services.local_hub.extension import FORM_CORS, Answer, ExtensionRequest
from services.local_hub.server import start_local_hub
from services.local_hub.state import LocalHub, User
from services.records.stores import ANSWERS_FILE, LANDING_PAGES_FILE, LEADS_FILE, Records, folder_records
from services.sandbox import hub_state, story
from services.sandbox.forms import FormEndpoints
from services.utils.http_server import Running

ENV_SANDBOX = "STUDIO_SANDBOX"  # "1": the CLI works against the sandbox; the app starts in it
ENV_FOLDER = "STUDIO_SANDBOX_DIR"
ENV_PORT = "STUDIO_SANDBOX_PORT"
DEFAULT_FOLDER = Path(".sandbox")
DEFAULT_PORT = 8599
TOKEN = "sandbox-local-owner"  # accepted by the sandbox Hub only
PUBLISHABLE_KEY = "sb_publishable_sandbox"  # what its landing pages carry; its form endpoints want it
OWNER = "sandbox-owner"
ORG = "brightrun"  # the plans' organisation (services.strategy.links.default_repo_id)
BANNER = "Sandbox — nothing leaves this machine"
_LOG = logging.getLogger(__name__)
_OPEN: dict[Path, Sandbox] = {}
_LOCK = threading.Lock()


def wanted(environ: Mapping[str, str] | None = None) -> bool:
    """`STUDIO_SANDBOX=1` (or true / yes / on) asks for the sandbox."""
    env = os.environ if environ is None else environ
    return env.get(ENV_SANDBOX, "").strip().lower() in {"1", "true", "yes", "on"}


def default_folder(environ: Mapping[str, str] | None = None) -> Path:
    """`STUDIO_SANDBOX_DIR`, else `.sandbox/` (git-ignored), as an absolute path."""
    env = os.environ if environ is None else environ
    return Path(env.get(ENV_FOLDER) or DEFAULT_FOLDER).resolve()


def default_port(environ: Mapping[str, str] | None = None) -> int:
    """`STUDIO_SANDBOX_PORT` (0: any free port), else 8599."""
    env = os.environ if environ is None else environ
    try:
        return int(env.get(ENV_PORT) or DEFAULT_PORT)
    except ValueError:
        return DEFAULT_PORT


@dataclass
class Sandbox:
    """One sandbox: its folder, its Hub's URL, and (when this process serves it) the Hub itself."""

    folder: Path
    url: str
    hub: LocalHub | None = None  # None: another process serves this folder; we talk to it over HTTP
    server: Running | None = None
    note: str | None = None  # said beside the banner (another port taken, a state started over)
    ready: threading.Event = field(default_factory=threading.Event)
    seeding: bool = False  # a first run's story is being seeded (by one caller; the others wait)
    resetting: threading.Lock = field(default_factory=threading.Lock)  # one reset at a time (a first run's too)

    @property
    def records(self) -> Records:
        """The sandbox's history, snapshots, decisions, sightings, leads and form answers."""
        return folder_records(self.folder)

    @property
    def lead_log(self) -> JsonlLeads:
        """Where the landing forms' leads go (the records read them from the same file)."""
        return JsonlLeads(self.folder / LEADS_FILE)

    @property
    def answer_log(self) -> JsonlAnswers:
        """Where the landing forms' suggestions go."""
        return JsonlAnswers(self.folder / ANSWERS_FILE)

    @property
    def landing_pages(self) -> JsonlLandingPages:
        """The landing pages published here: the only ones whose forms take submissions."""
        return JsonlLandingPages(self.folder / LANDING_PAGES_FILE)

    def settings(self) -> HubSettings:
        """The Hub client's settings: the sandbox's URL and token, a short timeout (it is local)."""
        return HubSettings(token=SecretStr(TOKEN), endpoint=self.url, retries=1, backoff=0.1, timeout=30)

    def lead_capture(self) -> LeadCapture:
        """Where the sandbox's landing pages post: the sandbox itself, with its publishable key."""
        return LeadCapture(supabase_url=self.url, publishable_key=SecretStr(PUBLISHABLE_KEY))

    @property
    def privacy_url(self) -> str:
        """The story's privacy notice: a page the sandbox serves (a fictional notice, said as such)."""
        return f"{self.url}/sandbox/privacy"

    def reset(self, now: datetime | None = None) -> None:
        """Start over: every file of the folder removed, the story seeded again."""
        if self.hub is None:
            _post(f"{self.url}/api/sandbox/reset")
            return
        with self.resetting:  # a reset asked for while the first run seeds its story waits for it, then resets
            with self.hub.lock:
                self.hub.reset()
                self.hub.on_change = None
                _clear(self.folder)
            story.seed(self, now)
            with self.hub.lock:
                hub = self.hub
                hub.on_change = lambda: hub_state.save(hub, self.folder)
                hub_state.save(self.hub, self.folder)

    def stop(self) -> None:
        """Stop serving (the state on disk stays)."""
        if self.server is not None:
            self.server.stop()
            self.server = None


def _clear(folder: Path) -> None:
    if folder.is_dir():
        for child in folder.iterdir():
            shutil.rmtree(child) if child.is_dir() else child.unlink()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / ".gitignore").write_text("*\n", encoding="utf-8")  # whatever the project's .gitignore says


def _post(url: str) -> dict:
    request = urllib.request.Request(url, data=b"{}", method="POST", headers={"content-type": "application/json"})
    with urllib.request.urlopen(request, timeout=300) as answer:
        return json.loads(answer.read() or b"{}")


def _serving(url: str, folder: Path) -> bool:
    """Whether a sandbox of this folder already answers at `url`."""
    try:
        with urllib.request.urlopen(f"{url}/api/sandbox", timeout=2) as answer:
            return Path(json.loads(answer.read()).get("folder", "")) == folder
    except (OSError, ValueError):
        return False


JSON = "application/json"
NO_CORS: Mapping[str, str] = {}


class _Routes:
    """The sandbox's own routes beside the Hub's: the landing forms' endpoints (open to any origin, as
    Supabase's are), the story's privacy notice, and `/api/sandbox` (which folder it serves; a reset),
    which answers only requests from its own origin, or from no browser at all."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.forms = FormEndpoints(sandbox.lead_log, sandbox.answer_log, sandbox.landing_pages, PUBLISHABLE_KEY)

    def route(self, request: ExtensionRequest) -> tuple[Answer, Mapping[str, str]] | None:
        """The answer to one of the sandbox's own paths, with its headers; None for the Hub's."""
        parts, method = request.parts, request.method
        if parts[:2] == ["rest", "v1"]:
            if method == "OPTIONS":
                return (200, None, b"", "text/plain"), FORM_CORS
            if method != "POST":
                return (405, {"message": "the sandbox's forms only take submissions"}, None, JSON), FORM_CORS
            return self.forms.post(parts[2:], request.headers, request.body, request.client), FORM_CORS
        if parts == ["sandbox", "privacy"]:
            return (200, None, PRIVACY_PAGE.encode(), "text/html; charset=utf-8"), NO_CORS
        if parts[:2] == ["api", "sandbox"]:
            return self._api(request), NO_CORS
        return None

    def _api(self, request: ExtensionRequest) -> Answer:
        if refusal := foreign(request.headers, self.sandbox.url):
            request.body()
            return 403, {"message": refusal}, None, JSON
        if request.parts == ["api", "sandbox"] and request.method == "GET":
            return 200, {"folder": str(self.sandbox.folder), "ready": self.sandbox.ready.is_set()}, None, JSON
        if request.parts == ["api", "sandbox", "reset"] and request.method == "POST":
            request.body()
            if request.headers.get("content-type", "").split(";")[0].strip() != JSON:
                return 415, {"message": "a reset is asked for with Content-Type: application/json"}, None, JSON
            self.sandbox.reset()
            return 200, {"reset": True}, None, JSON
        request.body()
        return 404, {"message": "no such sandbox route"}, None, JSON


def foreign(headers: Mapping[str, str], own: str) -> str | None:
    """Why a request to `/api/sandbox*` is refused, or None: a page of another origin (its browser sends
    `Origin`), or a Host that is not this machine's loopback address (a DNS-rebinding page)."""
    port = urllib.parse.urlsplit(own).port
    allowed = {f"{host}:{port}" for host in ("127.0.0.1", "localhost", "[::1]")}
    origin = headers.get("origin")
    if origin is not None and origin not in {f"http://{host}" for host in allowed}:
        return "the sandbox's controls answer only its own pages, not another origin's"
    if headers.get("host", "") not in allowed:
        return "the sandbox's controls answer only on this machine's loopback address"
    return None


PRIVACY_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Privacy notice (sandbox)</title>
</head><body><h1>Privacy notice — sandbox</h1><p>This is the Lead Magnet Studio sandbox: a fictional company's
notice, served on this machine only. Set the real notice's address on the Strategy page before publishing to the
Hugging Face Hub.</p></body></html>"""


def _serve(folder: Path, port: int) -> Sandbox:
    """The sandbox's Hub, answering, with its saved state loaded; not ready when there was none."""
    hub = LocalHub()
    hub.users[TOKEN] = User(name=OWNER, email="owner@example.com", orgs={ORG: "admin"})
    note = None
    try:
        server = start_local_hub(hub, port)
    except OSError:
        server = start_local_hub(hub, 0)
        note = (f"port {port} is busy, so the sandbox answers on {hub.url}: links kept from a run on port {port} "
                "point at the old address")
    sandbox = Sandbox(folder=folder, url=hub.url, hub=hub, server=server, note=note)
    hub.extension = _Routes(sandbox)
    if hub_state.exists(folder):
        try:
            hub_state.load(hub, folder)
            hub.on_change = lambda: hub_state.save(hub, folder)
            sandbox.ready.set()
        except ValueError as exc:
            _LOG.warning("%s; the sandbox starts over", exc)
            sandbox.note = f"{exc}: the sandbox started over"
    return sandbox


def _first_run(sandbox: Sandbox, story: bool) -> None:
    """Seed a sandbox that had no state (or an empty one for `story=False`); ready whatever happens,
    so nobody waits for ever on a story that failed (the failure is said in its note)."""
    hub = sandbox.hub
    assert hub is not None
    try:
        if story:
            sandbox.reset()
        else:
            _clear(sandbox.folder)
            hub.on_change = lambda: hub_state.save(hub, sandbox.folder)
    except Exception as exc:
        sandbox.note = f"the sandbox's story could not be seeded ({exc})"
        raise
    finally:
        sandbox.ready.set()


def answering(folder: Path | None = None, port: int | None = None) -> Sandbox:
    """The sandbox of `folder` (`.sandbox/` by default), answering but maybe not ready: the one this
    process serves, the one another process serves, or a new one with its saved state loaded (binding
    a port takes milliseconds; seeding a first run's story takes seconds, and is `ready_sandbox`'s)."""
    folder = (folder or default_folder()).resolve()
    with _LOCK:
        sandbox = _OPEN.get(folder)
        if sandbox is None:
            port = default_port() if port is None else port
            if port and _serving(f"http://127.0.0.1:{port}", folder):
                sandbox = Sandbox(folder=folder, url=f"http://127.0.0.1:{port}")
                sandbox.ready.set()
            else:
                sandbox = _serve(folder, port)
            _OPEN[folder] = sandbox
        return sandbox


def ready_sandbox(folder: Path | None = None, port: int | None = None, story: bool = True) -> Sandbox:
    """The sandbox of `folder`, ready: answering (see `answering`) and, when its folder held no state, seeded
    with the story (or left empty: `story=False`, for a test of the parts). One caller seeds; the others
    wait here for it."""
    sandbox = answering(folder, port)
    with _LOCK:
        first = not sandbox.ready.is_set() and not sandbox.seeding
        sandbox.seeding = sandbox.seeding or first
    if first:
        _first_run(sandbox, story)
    sandbox.ready.wait()
    return sandbox


def start_in_background() -> None:
    """Open (and on its first run seed) the default sandbox in a thread: the app's pages go on meanwhile."""
    def run() -> None:
        try:
            ready_sandbox()
        except Exception:  # said in the sandbox's note; the pages that need it try again
            _LOG.exception("the sandbox could not be started")

    threading.Thread(target=run, name="studio-sandbox", daemon=True).start()


def in_this_process(folder: Path | None = None) -> Sandbox | None:
    """The sandbox of `folder` if this process has it open already, ready or still being seeded (its
    address is known either way; nothing is started)."""
    return _OPEN.get((folder or default_folder()).resolve())


def close(folder: Path) -> None:
    """Stop the sandbox of `folder` if this process serves it (its state stays on disk)."""
    with _LOCK:
        sandbox = _OPEN.pop(folder.resolve(), None)
    if sandbox is not None:
        sandbox.stop()


def close_all() -> None:
    """Stop every sandbox this process serves (the app's shutdown, a test's teardown)."""
    with _LOCK:
        for sandbox in _OPEN.values():
            sandbox.stop()
        _OPEN.clear()
