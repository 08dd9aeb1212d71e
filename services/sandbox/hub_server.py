"""A local Hugging Face Hub: the endpoints `huggingface_hub` calls to publish a dataset and read its
traction and feedback, over real HTTP, with real commit history and fault injection.

One implementation serves two purposes: the tests' Hub (strict, so a bug users would meet on the
real Hub fails a test) and the product's sandbox (`services.sandbox.runtime`), where the owner
rehearses a release on 127.0.0.1 and nothing leaves the machine. No public emulator of the Hub
exists; each behaviour below cites the client code or the docs it follows.

It keeps, per dataset repo, every commit (parent,
message, the full tree of files), tags, visibility and gating, discussions and access requests.
Files are always uploaded inline (`uploadMode: regular`), so no LFS or Xet storage is involved.
Faults (a status, a delay, a dropped connection) are queued per path prefix and method.

Tokens map to users: each has a name, an email, organisations with a role, and a token role
(`write` or `read`), which is what the Hub's permission answers depend on.
"""

from __future__ import annotations

import base64
import fnmatch
import hashlib
import json
import mimetypes
import re
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol, get_args
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

from huggingface_hub.hf_api import ExpandDatasetProperty_T, ExpandSpaceProperty_T

from services.sandbox.http_server import DispatchingHandler, Running

# The .gitattributes the Hub writes into a new dataset repo: these paths are LFS files (preupload
# answers "lfs" for them), among them Parquet, PNG and zip.
LFS_PATTERNS = ("*.7z", "*.arrow", "*.bin", "*.bz2", "*.ckpt", "*.ftz", "*.gz", "*.h5", "*.joblib", "*.lfs", "*.lz4",
                "*.mds", "*.mlmodel", "*.model", "*.msgpack", "*.npy", "*.npz", "*.onnx", "*.ot", "*.parquet", "*.pb",
                "*.pickle", "*.pkl", "*.pt", "*.pth", "*.rar", "*.safetensors", "saved_model/**/*", "*.tar.*",
                "*.tar", "*.tflite", "*.tgz", "*.wasm", "*.xz", "*.zip", "*.zst", "*tfevents*", "*.pcm", "*.sam",
                "*.raw", "*.aac", "*.flac", "*.mp3", "*.ogg", "*.wav", "*.bmp", "*.gif", "*.png", "*.tiff", "*.jpg",
                "*.jpeg", "*.webp", "*.mp4", "*.webm")
GITATTRIBUTES = "".join(f"{p} filter=lfs diff=lfs merge=lfs -text\n" for p in LFS_PATTERNS).encode()
LFS_THRESHOLD = 10 * 1024 * 1024  # bytes: a larger file is an LFS file whatever its name (huggingface_hub docs)


def lfs_pointer(data: bytes) -> bytes:
    """The Git LFS pointer file committed in place of an LFS file's content (git-lfs spec v1)."""
    return f"version https://git-lfs.github.com/spec/v1\noid sha256:{hashlib.sha256(data).hexdigest()}\n" \
           f"size {len(data)}\n".encode()


def lfs_tracked(path: str, size: int = 0, sample: bytes = b"") -> bool:
    """Whether the Hub stores this file in LFS: a .gitattributes pattern, its size, or binary content."""
    name = path.rsplit("/", 1)[-1]
    return (any(fnmatch.fnmatch(path, p) or fnmatch.fnmatch(name, p) for p in LFS_PATTERNS)
            or size > LFS_THRESHOLD or b"\x00" in sample)


def blob_oid(data: bytes) -> str:
    """The git blob id the Hub reports for a regular file."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


@dataclass
class User:
    name: str
    email: str
    orgs: dict[str, str] = field(default_factory=dict)  # org → roleInOrg ('admin', 'write', 'read')
    token_role: str = "write"  # read | write | fineGrained
    # fine-grained tokens: (entity type, entity name, permissions), as whoami-v2 lists them in
    # `auth.accessToken.fineGrained.scoped[]`; the Hub enforces them on every write.
    scoped: list[tuple[str, str, list[str]]] = field(default_factory=list)

    def can_write(self, namespace: str, repo_id: str = "") -> bool:
        """Whether the token may write there: the account or an org it writes to, and a token that may."""
        account = namespace == self.name or self.orgs.get(namespace) in {"admin", "write"}
        if self.token_role == "fineGrained":
            return account and any("repo.write" in perms and name.lower() in {namespace.lower(), repo_id.lower()}
                                   for _, name, perms in self.scoped)
        return self.token_role == "write" and account


@dataclass
class Commit:
    oid: str
    parent: str | None
    message: str
    files: dict[str, bytes]
    date: str
    author: str
    lfs: frozenset[str] = frozenset()  # paths stored in LFS (committed as `lfsFile`)


@dataclass
class Repo:
    id: str
    private: bool = False
    gated: str | bool = False
    commits: list[Commit] = field(default_factory=list)
    tags: dict[str, str] = field(default_factory=dict)
    downloads: int = 0
    downloads_all_time: int = 0
    likes: int = 0
    # Threads as the Hub's discussion details answer: num, title, status, isPullRequest, createdAt,
    # author ({name}, absent for a deleted account), events[]; plus `locked` (refuses comments).
    discussions: list[dict] = field(default_factory=list)
    likers: list[dict] = field(default_factory=list)  # [{user, fullname, avatarUrl}], as /likers lists them
    access_requests: list[dict] = field(default_factory=list)
    created: str = field(default_factory=_now)
    type: str = "dataset"  # dataset | space
    sdk: str | None = None  # a Space's SDK: static serves its index.html

    @property
    def head(self) -> Commit:
        """The commit main is at."""
        return self.commits[-1]

    def at(self, revision: str) -> Commit | None:
        """The commit a revision (main, a tag, a commit id) names."""
        revision = unquote(revision)
        if revision == "main":
            return self.head
        if revision in self.tags:
            revision = self.tags[revision]
        return next((c for c in self.commits if c.oid == revision), None)


@dataclass
class Fault:
    prefix: str  # path prefix, e.g. "/api/datasets/org/name/commit"
    status: int | None = None
    drop: bool = False  # close the connection without an answer
    delay: float = 0.0
    method: str | None = None  # only for this HTTP method
    times: int = 1
    after: bool = False  # drop or delay *after* doing the work (a commit that lands, unanswered or late)
    headers: dict[str, str] = field(default_factory=dict)  # sent with the fault's status
    html: bool = False  # an HTML error page instead of JSON (what the Hub's gateway sends on some 5xx)


Answer = tuple[int, object, "bytes | None", str]  # status, JSON payload, raw body (instead), content type
MUTATING = frozenset({"POST", "PUT", "PATCH", "DELETE"})


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


@dataclass
class LocalHub:
    url: str = ""
    users: dict[str, User] = field(default_factory=dict)  # token → user
    repos: dict[str, Repo] = field(default_factory=dict)
    faults: list[Fault] = field(default_factory=list)
    requests: list[tuple[str, str, int]] = field(default_factory=list)
    headers_seen: list[dict[str, str]] = field(default_factory=list)
    lfs_objects: dict[str, bytes] = field(default_factory=dict)  # sha256 → content, uploaded and verified
    spaces: dict[str, Repo] = field(default_factory=dict)  # Spaces, by id (a Space and a dataset may share one)
    collections: dict[str, dict] = field(default_factory=dict)  # slug → the collection as the API returns it
    lock: threading.RLock = field(default_factory=threading.RLock)
    # The sandbox's hooks: its own routes, and a save after every change that succeeded.
    extension: Extension | None = None
    on_change: Callable[[], None] | None = None

    def inject(self, fault: Fault) -> None:
        """Queue a fault for the next matching requests."""
        with self.lock:
            self.faults.append(fault)

    def take_fault(self, method: str, path: str) -> Fault | None:
        """The queued fault this request meets, if any (used up after its `times`)."""
        with self.lock:
            for fault in self.faults:
                if path.startswith(fault.prefix) and fault.method in {None, method}:
                    fault.times -= 1
                    if fault.times <= 0:
                        self.faults.remove(fault)
                    return fault
        return None

    def reset(self) -> None:
        """Empty: no repo, Space, collection, fault or logged request (the users stay)."""
        with self.lock:
            self.repos.clear()
            self.faults.clear()
            self.requests.clear()
            self.headers_seen.clear()
            self.lfs_objects.clear()
            self.spaces.clear()
            self.collections.clear()

    def count(self, method: str, prefix: str) -> int:
        """How many requests of this method reached paths under `prefix`."""
        with self.lock:
            return sum(1 for m, p, _ in self.requests if m == method and p.startswith(prefix))

    def files(self, repo_id: str, revision: str = "main") -> dict[str, bytes]:
        """A dataset repo's files at a revision."""
        commit = self.repos[repo_id].at(revision)
        return dict(commit.files) if commit else {}


class _Error(Exception):
    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None, **extra: object) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}
        self.extra = extra


# A 429 carries the Hub's RateLimit headers (IETF draft ratelimit-headers; huggingface_hub's
# `parse_ratelimit_headers` docstring shows the Hub's form: `"api";r=0;t=55` and a 5-minute
# fixed window), not necessarily Retry-After. `t` is the seconds until the window resets.
def rate_limit_headers(reset_in: int = 0, quota: int = 500) -> dict[str, str]:
    """The headers of a 429."""
    return {"ratelimit": f'"api";r=0;t={reset_in}', "ratelimit-policy": f'"fixed window";"api";q={quota};w=300'}


# A missing repo is `RepoNotFound` in `X-Error-Code` (huggingface_hub's `hf_raise_for_status` maps it,
# and a 401 on a repo URL, to RepositoryNotFoundError).
REPO_NOT_FOUND = {"X-Error-Code": "RepoNotFound"}
DISCUSSION_PAGE_SIZE = 3  # threads per page of a discussion listing (the Hub's is 50; small pages test paging)
PAGE_SIZE = 2  # items per page of a listing (the Hub's pages are larger; small ones make every test page)


# The Hub's YAML rules the studio's cards meet (POST /api/validate-yaml answers 400 with
# `errors: [{message}]`, which huggingface_hub's `_validate_yaml` lists in its ValueError):
# `license` from the Hub's list (hub-docs `docs/hub/repositories-licenses.md`), `size_categories`
# from the Hub's values (the `datasets` library's `utils/resources/size_categories.json`, copied here so
# the sandbox runs without `datasets`; a test holds the two equal).
HUB_LICENSE_IDS = frozenset({
    "apache-2.0", "mit", "openrail", "bigscience-openrail-m", "creativeml-openrail-m", "bigscience-bloom-rail-1.0",
    "bigcode-openrail-m", "afl-3.0", "artistic-2.0", "bsl-1.0", "bsd", "bsd-2-clause", "bsd-3-clause",
    "bsd-3-clause-clear", "c-uda", "cc", "cc0-1.0", "cc-by-2.0", "cc-by-2.5", "cc-by-3.0", "cc-by-4.0",
    "cc-by-sa-3.0", "cc-by-sa-4.0", "cc-by-nc-2.0", "cc-by-nc-3.0", "cc-by-nc-4.0", "cc-by-nd-4.0",
    "cc-by-nc-nd-3.0", "cc-by-nc-nd-4.0", "cc-by-nc-sa-2.0", "cc-by-nc-sa-3.0", "cc-by-nc-sa-4.0",
    "cdla-sharing-1.0", "cdla-permissive-1.0", "cdla-permissive-2.0", "wtfpl", "ecl-2.0", "epl-1.0", "epl-2.0",
    "etalab-2.0", "eupl-1.1", "agpl-3.0", "gfdl", "gpl", "gpl-2.0", "gpl-3.0", "lgpl", "lgpl-2.1", "lgpl-3.0", "isc",
    "lppl-1.3c", "ms-pl", "mpl-2.0", "odc-by", "odbl", "openrail++", "osl-3.0", "postgresql", "ofl-1.1", "ncsa",
    "unlicense", "zlib", "pddl", "lgpl-lr", "deepfloyd-if-license", "llama2", "gemma", "unknown", "other",
})


HUB_SIZE_CATEGORIES = ("unknown", "n<1K", "1K<n<10K", "10K<n<100K", "100K<n<1M", "1M<n<10M", "10M<n<100M",
                       "100M<n<1B", "1B<n<10B", "10B<n<100B", "100B<n<1T", "n>1T")


def _card_yaml_errors(content: str) -> list[str]:
    import yaml
    match = re.match(r"\A---\n(.*?)\n---\n", content, re.S)
    meta = yaml.safe_load(match.group(1)) if match else {}
    sizes = set(HUB_SIZE_CATEGORIES) | {"other"}
    errors = []
    licenses = meta.get("license") or []
    for value in [licenses] if isinstance(licenses, str) else licenses:
        if value not in HUB_LICENSE_IDS:
            errors.append(f'"license" must be one of [{", ".join(sorted(HUB_LICENSE_IDS))}]')
    for value in meta.get("size_categories") or []:
        if value not in sizes:
            errors.append(f'"size_categories[0]" must be one of [{", ".join(sorted(sizes))}]')
    return errors


def _handler(hub: LocalHub) -> type[DispatchingHandler]:
    class Handler(DispatchingHandler):
        # --- plumbing ----------------------------------------------------------------------
        def _send(self, status: int, payload: object, raw: bytes | None = None,
                  content_type: str = "application/json", headers: dict[str, str] | None = None) -> None:
            body = raw if raw is not None else json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("content-type", content_type)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("content-length", str(len(body)))
            if status >= 400 and isinstance(payload, dict) and "error" in payload:
                self.send_header("x-error-message", payload["error"])
            self.end_headers()
            self.wfile.write(body)
            with hub.lock:
                hub.requests.append((self.command, urlsplit(self.path).path, status))

        def _user(self, required: bool = True) -> User | None:
            auth = self.headers.get("authorization", "")
            token = auth.removeprefix("Bearer ").strip() if auth.startswith("Bearer ") else ""
            user = hub.users.get(token)
            if user is None and (required or token):
                raise _Error(401, "Invalid credentials in Authorization header")
            return user

        def _caller(self) -> User:
            """The token's user; 401 without a valid token."""
            user = self._user()
            if user is None:
                raise _Error(401, "Invalid credentials in Authorization header")
            return user

        def _repo(self, repo_id: str, user: User | None, write: bool = False) -> Repo:
            repo = self._store.get(repo_id)
            namespace = repo_id.split("/")[0]
            member = user is not None and (namespace == user.name or namespace in user.orgs)
            if repo is None or (repo.private and not member):
                raise _Error(404, "Repository not found", headers=REPO_NOT_FOUND)
            if write and not (user and user.can_write(namespace, repo_id)):
                raise _Error(403, f"You don't have the rights to write to {repo_id}")
            return repo

        def _dispatch(self) -> None:
            self._link: dict[str, str] | None = None  # per request: a kept-alive connection reuses the handler
            self._store = hub.repos  # datasets; a Space's routes switch to hub.spaces
            path = urlsplit(self.path).path
            with hub.lock:
                hub.headers_seen.append(dict(self.headers))
            fault = hub.take_fault(self.command, path)
            if fault and fault.delay and not fault.after:
                threading.Event().wait(fault.delay)
            if fault and fault.drop and not fault.after:
                self._drop()
                return
            if fault and fault.status:
                self._body()
                headers = {**(rate_limit_headers() if fault.status == 429 else {}), **fault.headers}
                if fault.html:
                    page = f"<html><body><h1>{fault.status} Bad Gateway</h1></body></html>".encode()
                    self._send(fault.status, None, page, "text/html", headers=headers)
                else:
                    self._send(fault.status, {"error": f"injected fault {fault.status}"}, headers=headers)
                return
            if hub.extension is not None:  # its routes take the lock themselves, if they need it
                routed = hub.extension.route(ExtensionRequest(
                    self.command, [unquote(p) for p in path.strip("/").split("/")],
                    {k.lower(): v for k, v in self.headers.items()}, self._body, self.client_address[0]))
                if routed is not None:
                    (status, payload, raw, content_type), extra = routed
                    self._send(status, payload, raw, content_type, headers=dict(extra))
                    return
            try:
                with hub.lock:
                    status, payload, raw, content_type = self._route(path)
                    if self.command in MUTATING and status < 400 and hub.on_change is not None:
                        hub.on_change()
            except _Error as exc:
                self._body()  # a refused request's body must not stay on the kept-alive connection
                self._send(exc.status, {"error": exc.message, **exc.extra}, headers=exc.headers)
                return
            if fault and fault.after and fault.delay:  # the work is done; its answer is late (a stall)
                threading.Event().wait(fault.delay)
            if fault and fault.drop and fault.after:
                self._drop()
                return
            self._send(status, payload, raw, content_type, headers=self._link)

        def _page(self, items: list, path: str, query: dict[str, list[str]]) -> list:
            """One page of a listing, and a `Link: <…>; rel="next"` header while more remain: the
            Hub paginates its listings this way, and huggingface_hub's `paginate` follows the link.
            Pages are small here (PAGE_SIZE), so every listing in a test spans several."""
            start = int(query.get("cursor", ["0"])[0])
            if start + PAGE_SIZE < len(items):
                rest = {k: v[0] for k, v in query.items() if k != "cursor"}
                self._link = {"Link": f'<{hub.url}{path}?{urlencode({**rest, "cursor": start + PAGE_SIZE})}>; '
                                      'rel="next"'}
            return items[start:start + PAGE_SIZE]

        def _drop(self) -> None:
            self._hang_up()
            with hub.lock:
                hub.requests.append((self.command, urlsplit(self.path).path, 0))

        # --- routes ------------------------------------------------------------------------
        def _route(self, path: str) -> tuple[int, object, bytes | None, str]:
            parts = [unquote(p) for p in path.strip("/").split("/")]
            query = parse_qs(urlsplit(self.path).query)
            if parts == ["api", "whoami-v2"]:
                return 200, self._whoami(), None, "application/json"
            if parts == ["api", "validate-yaml"]:
                errors = _card_yaml_errors(json.loads(self._body() or b"{}").get("content", ""))
                if errors:
                    raise _Error(400, "Invalid metadata", errors=[{"message": m} for m in errors], warnings=[])
                return 200, {"errors": [], "warnings": []}, None, "application/json"
            if parts == ["api", "repos", "create"]:
                return self._create()
            if parts[:1] == ["spaces"] or parts[:2] == ["api", "spaces"]:
                self._store = hub.spaces
            if parts[:2] == ["api", "collections"]:
                return self._collections(parts[2:])
            if len(parts) == 7 and parts[0] in {"datasets", "spaces"} and parts[2].endswith(".git") \
                    and parts[3:] == ["info", "lfs", "objects", "batch"]:
                return self._lfs_batch(f"{parts[1]}/{parts[2].removesuffix('.git')}")
            if len(parts) == 2 and parts[0] == "lfs-upload":
                return self._lfs_upload(parts[1])
            if len(parts) == 7 and parts[0] in {"datasets", "spaces"} and parts[2].endswith(".git") \
                    and parts[3:] == ["info", "lfs", "objects", "verify"]:
                return self._lfs_verify()
            if len(parts) == 3 and parts[0] == "spaces" and self.command == "GET":
                return self._space_page(f"{parts[1]}/{parts[2]}")
            if len(parts) >= 4 and parts[0] == "static-spaces" and self.command == "GET":
                return self._static_file(f"{parts[1]}/{parts[2]}", "/".join(parts[3:]))
            if parts and parts[0] in {"datasets", "spaces"}:
                return self._resolve(parts[1:])
            if len(parts) >= 4 and parts[:2] in (["api", "datasets"], ["api", "spaces"]):
                repo_id, rest = f"{parts[2]}/{parts[3]}", parts[4:]
                return self._dataset(repo_id, rest, query)
            raise _Error(404, f"no route for {path}")

        def _whoami(self) -> dict:
            user = self._caller()
            return {"type": "user", "name": user.name, "fullname": user.name.title(), "email": user.email,
                    "orgs": [{"name": org, "roleInOrg": role} for org, role in user.orgs.items()],
                    "auth": {"type": "access_token",
                             "accessToken": {"displayName": "studio", "role": user.token_role,
                                             **({"fineGrained": {"global": ["discussion.write"], "scoped": [
                                                 {"entity": {"type": kind, "name": name}, "permissions": perms}
                                                 for kind, name, perms in user.scoped]}}
                                                if user.token_role == "fineGrained" else {})}}}

        def _create(self) -> tuple[int, object, None, str]:
            user = self._caller()
            payload = json.loads(self._body() or b"{}")
            kind = payload.get("type")
            if kind not in {"dataset", "space"}:
                raise _Error(400, "this local Hub holds datasets and Spaces")
            if kind == "space" and payload.get("sdk") not in {"static", "gradio", "docker", "streamlit"}:
                raise _Error(400, "a Space needs an SDK (static, gradio, docker)")  # create_repo(space_sdk=...)
            self._store = hub.spaces if kind == "space" else hub.repos
            namespace = payload.get("organization") or user.name
            repo_id = f"{namespace}/{payload['name']}"
            if not user.can_write(namespace):
                raise _Error(403, f"You don't have the rights to create a dataset under the namespace {namespace}")
            if repo_id in self._store:
                raise _Error(409, f"You already created this {kind} repo", url=f"{hub.url}/{kind}s/{repo_id}")
            private = payload.get("private", payload.get("visibility") == "private")
            repo = Repo(id=repo_id, private=bool(private), type=kind, sdk=payload.get("sdk"))
            files = {".gitattributes": GITATTRIBUTES}
            repo.commits.append(Commit(_commit_oid(None, "initial commit", files), None, "initial commit", files,
                                       _now(), user.name))
            self._store[repo_id] = repo
            return 200, {"url": f"{hub.url}/{'spaces/' if kind == 'space' else 'datasets/'}{repo_id}",
                         "name": repo_id}, None, "application/json"

        # --- collections: what create_collection / add_collection_item / get_collection send and read ---
        def _collections(self, rest: list[str]) -> tuple[int, object, None, str]:
            json_type = "application/json"
            if not rest and self.command == "POST":
                user = self._caller()
                payload = json.loads(self._body() or b"{}")
                namespace = payload.get("namespace") or user.name
                if not user.can_write(namespace):
                    raise _Error(403, f"You cannot create a collection in {namespace}")
                same = next((c for c in hub.collections.values()
                             if c["owner"]["name"] == namespace and c["title"] == payload["title"]), None)
                if same is not None:  # the client reads the slug of the existing one (exists_ok)
                    raise _Error(409, "Collection already exists", slug=same["slug"])
                words = re.sub(r"[^a-z0-9]+", "-", payload["title"].lower()).strip("-")
                slug = f"{namespace}/{words}-{hashlib.sha1(payload['title'].encode()).hexdigest()[:24]}"
                hub.collections[slug] = {
                    "slug": slug, "title": payload["title"], "description": payload.get("description"),
                    "owner": {"name": namespace, "type": "org"}, "items": [], "lastUpdated": _now(),
                    "position": 0, "private": bool(payload.get("private")), "theme": "default", "upvotes": 0}
                return 200, hub.collections[slug], None, json_type
            slug = "/".join(rest[:2])
            collection = hub.collections.get(slug)
            if collection is None:
                raise _Error(404, "Collection not found")
            if rest[2:] == ["items"] and self.command == "POST":
                self._user()
                item = json.loads(self._body() or b"{}")["item"]
                if any(i["id"] == item["id"] and i["type"] == item["type"] for i in collection["items"]):
                    raise _Error(409, "Item already exists in collection")
                note = json.loads(self._body() or b"{}").get("note")
                collection["items"].append({"_id": hashlib.sha1(item["id"].encode()).hexdigest()[:24],
                                            "id": item["id"], "type": item["type"],
                                            "position": len(collection["items"]),
                                            **({"note": {"text": note}} if note else {})})
                collection["lastUpdated"] = _now()
            return 200, collection, None, json_type

        # --- Git LFS, basic transfer: what huggingface_hub's `post_lfs_batch_info` / `lfs_upload` speak ---
        def _lfs_batch(self, repo_id: str) -> tuple[int, object, None, str]:
            self._repo(repo_id, self._user(), write=True)
            self._kind_prefix = "/spaces" if self._store is hub.spaces else "/datasets"
            payload = json.loads(self._body() or b"{}")
            if payload.get("operation") != "upload" or "basic" not in (payload.get("transfers") or ["basic"]):
                raise _Error(400, "only basic uploads are served here")
            objects = []
            for obj in payload.get("objects", []):
                entry = {"oid": obj["oid"], "size": obj["size"], "authenticated": True}
                if obj["oid"] not in hub.lfs_objects:  # stored already: nothing to send
                    # The Hub's verify action lives beside the batch endpoint (`…/{repo}.git/info/lfs/objects/verify`);
                    # its upload action is a presigned storage URL, here a route of this server.
                    entry["actions"] = {"upload": {"href": f"{hub.url}/lfs-upload/{obj['oid']}"},
                                        "verify": {"href": f"{hub.url}{self._kind_prefix}/{repo_id}.git/info/lfs/"
                                                           "objects/verify"}}
                objects.append(entry)
            return 200, {"transfer": "basic", "objects": objects, "hash_algo": "sha256"}, None, \
                "application/vnd.git-lfs+json"

        def _lfs_upload(self, oid: str) -> tuple[int, object, None, str]:
            data = self._body()
            if hashlib.sha256(data).hexdigest() != oid:
                raise _Error(400, "the uploaded content does not match its oid")
            hub.lfs_objects[oid] = data
            return 200, {}, None, "application/json"

        def _lfs_verify(self) -> tuple[int, object, None, str]:
            payload = json.loads(self._body() or b"{}")
            stored = hub.lfs_objects.get(payload.get("oid", ""))
            if stored is None or len(stored) != payload.get("size"):
                raise _Error(404, "object not found or of another size")
            return 200, {}, None, "application/json"

        # --- static Spaces: the Space page embeds the app, served from its own origin ----------
        def _space_page(self, space_id: str) -> tuple[int, object, bytes, str]:
            """`/spaces/ID` is a Hub page whose iframe shows the app (`https://OWNER-NAME.static.hf.space`
            on the Hub; a route of this server here). The Hub propagates the page's query string and
            hash to the embedded app on first load (hub-docs, "How to handle URL parameters in Spaces"),
            and sandboxes the iframe with forms, scripts, popups and downloads allowed (hub-docs,
            spaces-sdks-streamlit.md's embed snippet)."""
            self._store = hub.spaces
            repo = self._repo(space_id, self._user(required=False))
            query = urlsplit(self.path).query
            src = f"{hub.url}/static-spaces/{space_id}/index.html" + (f"?{query}" if query else "")
            page = (f"<!doctype html><html><head><title>{space_id}</title></head><body><h1>{space_id}</h1>"
                    f'<iframe id="space" src="{src}" width="100%" height="1400" sandbox="allow-forms allow-modals '
                    'allow-popups allow-popups-to-escape-sandbox allow-same-origin allow-scripts allow-downloads">'
                    "</iframe></body></html>")
            if repo.sdk != "static":
                raise _Error(404, "this local Hub serves static Spaces only")
            return 200, None, page.encode(), "text/html; charset=utf-8"

        def _static_file(self, space_id: str, path: str) -> tuple[int, object, bytes, str]:
            self._store = hub.spaces
            repo = self._repo(space_id, self._user(required=False))
            data = repo.head.files.get(path) if repo.commits else None
            if data is None or repo.sdk != "static":
                raise _Error(404, "Not found")
            kind = mimetypes.guess_type(path)[0] or "application/octet-stream"
            return 200, None, data, kind + ("; charset=utf-8" if kind.startswith("text/") else "")

        def _resolve(self, parts: list[str]) -> tuple[int, object, bytes, str]:
            # /datasets/{ns}/{name}/resolve/{rev}/{path...}
            if len(parts) < 5 or parts[2] != "resolve":
                raise _Error(404, "not found")
            repo = self._repo(f"{parts[0]}/{parts[1]}", self._user(required=False))
            commit = repo.at(parts[3])
            data = commit.files.get("/".join(parts[4:])) if commit else None
            if data is None:
                raise _Error(404, "Entry not found")
            # What `hf_hub_download` reads before it trusts a download (huggingface_hub file_download.py,
            # `get_hf_file_metadata`): the commit, and the file's etag (an LFS file's sha256 as X-Linked-Etag).
            path = "/".join(parts[4:])
            lfs = path in commit.lfs if commit else False
            self._link = {"X-Repo-Commit": commit.oid if commit else "", "ETag": f'"{blob_oid(data)}"',
                          **({"X-Linked-Etag": f'"{hashlib.sha256(data).hexdigest()}"', "X-Linked-Size": str(len(data))}
                             if lfs else {})}
            return 200, None, data, "application/octet-stream"

        def _dataset(self, repo_id: str, rest: list[str], query: dict) -> tuple[int, object, None, str]:
            user = self._user(required=False)
            json_type = "application/json"
            if not rest or rest[0] == "revision":
                repo = self._repo(repo_id, user)
                commit = repo.at(rest[1]) if len(rest) > 1 else repo.head
                if commit is None:
                    raise _Error(404, "Revision not found")
                info = self._info(repo, commit)
                if "expand" in query:  # only the properties asked for (huggingface_hub's `expand` docstring)
                    known = set(get_args(ExpandSpaceProperty_T if repo.type == "space" else ExpandDatasetProperty_T))
                    asked = [e for value in query["expand"] for e in value.split(",")]
                    if unknown := [e for e in asked if e not in known]:
                        raise _Error(400, f"Invalid expand value(s): {', '.join(unknown)}")
                    info = {"_id": info["_id"], "id": info["id"], **{e: info[e] for e in asked if e in info}}
                return 200, info, None, json_type
            kind = rest[0]
            if kind == "settings" and self.command == "PUT":
                repo = self._repo(repo_id, user, write=True)
                payload = json.loads(self._body() or b"{}")
                if "gated" in payload:
                    repo.gated = payload["gated"]
                if "visibility" in payload:
                    repo.private = payload["visibility"] == "private"
                if "private" in payload:
                    repo.private = bool(payload["private"])
                return 200, {}, None, json_type
            if kind == "preupload":
                repo = self._repo(repo_id, user, write=True)
                commit = repo.at(rest[1])
                files = json.loads(self._body())["files"]
                existing = commit.files if commit else {}

                def mode(f: dict) -> str:
                    sample = base64.b64decode(f.get("sample") or "")
                    return "lfs" if lfs_tracked(f["path"], int(f.get("size") or 0), sample) else "regular"

                return 200, {"files": [{"path": f["path"], "uploadMode": mode(f), "shouldIgnore": False,
                                        "oid": _remote_oid(commit, f["path"]) if f["path"] in existing else None}
                                       for f in files]}, None, json_type
            if kind == "commit":
                return self._commit(self._repo(repo_id, user, write=True), unquote(rest[1]))
            if kind == "tag":
                repo = self._repo(repo_id, user, write=True)
                payload = json.loads(self._body())
                if payload["tag"] in repo.tags:
                    raise _Error(409, f"Tag {payload['tag']} already exists")
                target = repo.at(rest[1])
                if target is None:
                    raise _Error(404, "Revision not found")
                repo.tags[payload["tag"]] = target.oid
                return 200, {}, None, json_type
            if kind == "refs":
                repo = self._repo(repo_id, user)
                return 200, {"branches": [{"name": "main", "ref": "refs/heads/main", "targetCommit": repo.head.oid}],
                             "tags": [{"name": t, "ref": f"refs/tags/{t}", "targetCommit": oid}
                                      for t, oid in repo.tags.items()],
                             "converts": [], "pullRequests": []}, None, json_type
            if kind == "tree":
                repo = self._repo(repo_id, user)
                commit = repo.at(rest[1])
                if commit is None:
                    raise _Error(404, "Revision not found")
                prefix = "/".join(rest[2:])
                recursive = query.get("recursive", ["false"])[0] in {"1", "true", "True"}
                return 200, self._page(_tree(commit, prefix, recursive=recursive), urlsplit(self.path).path, query), \
                    None, json_type
            if kind == "paths-info":
                repo = self._repo(repo_id, user)
                commit = repo.at(rest[1])
                form = parse_qs(self._body().decode())
                wanted = form.get("paths", [])
                return 200, [e for e in _tree(commit, "", recursive=True) if e["path"] in wanted], None, json_type
            if kind == "commits":
                repo = self._repo(repo_id, user)
                return 200, [{"id": c.oid, "title": c.message, "message": c.message, "date": c.date,
                              "authors": [{"user": c.author}]} for c in reversed(repo.commits)], None, json_type
            if kind == "discussions":
                return self._discussions(self._repo(repo_id, user), repo_id, rest[1:], query, user)
            if kind == "likers":
                repo = self._repo(repo_id, user)
                return 200, self._page(repo.likers, urlsplit(self.path).path, query), None, json_type
            if kind == "user-access-request" and rest[1:] == ["handle"] and self.command == "POST":
                return self._handle_request(self._repo(repo_id, user, write=True))
            if kind == "user-access-request":
                repo = self._repo(repo_id, user, write=True)
                status = rest[1]
                listed = [r for r in repo.access_requests if r["status"] == status]
                return 200, self._page(listed, urlsplit(self.path).path, query), None, json_type
            raise _Error(404, f"no route for {kind}")

        # --- discussions: what get_repo_discussions / get_discussion_details / comment_discussion call ---
        def _discussions(self, repo: Repo, repo_id: str, rest: list[str], query: dict,
                         user: User | None) -> tuple[int, object, None, str]:
            """`GET …/discussions?p=&type=&status=&author=` → `{discussions, count, start, numItemsPerPage}`,
            newest first, a fixed page size (the client pages until `start + len(discussions) >= count`,
            hf_api.get_repo_discussions); `GET …/discussions/{num}?diff=1` → the thread with its `events`
            (and `changes.base`, `filesWithConflicts` for a pull request, which the client reads);
            `POST …/discussions/{num}/comment {comment}` → `{newMessage: event}` (comment_discussion), for a
            token that may write discussions (a read token may not), refused on a locked thread."""
            json_type = "application/json"
            kind = repo.type
            if not rest:
                wanted = [t for t in sorted(repo.discussions, key=lambda t: -t["num"])
                          if query.get("type", ["all"])[0] in {"all", "pull_request" if t.get("isPullRequest")
                                                                else "discussion"}
                          and query.get("status", ["all"])[0] in {"all", t.get("status", "open")}
                          and ("author" not in query or (t.get("author") or {}).get("name") == query["author"][0])]
                page = int(query.get("p", ["0"])[0])
                start = page * DISCUSSION_PAGE_SIZE
                shown = [{k: v for k, v in t.items() if k not in {"events", "locked"}}
                         | {"repo": {"name": repo_id, "type": kind}}
                         for t in wanted[start:start + DISCUSSION_PAGE_SIZE]]
                return 200, {"discussions": shown, "count": len(wanted), "start": start,
                             "numItemsPerPage": DISCUSSION_PAGE_SIZE}, None, json_type
            thread = next((t for t in repo.discussions if str(t["num"]) == rest[0]), None)
            if thread is None:
                raise _Error(404, "Discussion not found")
            if rest[1:] == ["comment"] and self.command == "POST":
                body = self._body()  # read first: a refused request must not leave its body on the connection
                if user is None:
                    raise _Error(401, "Invalid credentials in Authorization header")
                if user.token_role == "read":
                    raise _Error(403, "You don't have the rights to write to discussions: your token is read-only")
                if thread.get("locked"):
                    raise _Error(403, "This discussion is locked: new comments are not allowed")
                text = json.loads(body or b"{}").get("comment", "")
                if not text.strip():
                    raise _Error(400, "comment is required")
                event = {"id": hashlib.sha1(f"{repo_id}{thread['num']}{len(thread.get('events', []))}{text}".encode())
                         .hexdigest()[:24], "type": "comment", "createdAt": _now(),
                         "author": {"name": user.name, "fullname": user.name.title(), "type": "user"},
                         "data": {"edited": False, "hidden": False,
                                  "latest": {"raw": text, "html": f"<p>{text}</p>", "updatedAt": _now()}}}
                thread.setdefault("events", []).append(event)
                return 200, {"newMessage": event}, None, json_type
            if rest[1:]:
                raise _Error(404, "no route")
            detail = {k: v for k, v in thread.items() if k != "locked"} | {"repo": {"name": repo_id, "type": kind}}
            detail.setdefault("events", [])
            if thread.get("isPullRequest"):
                detail |= {"changes": {"base": "refs/heads/main"}, "filesWithConflicts": [], "diff": ""}
            return 200, detail, None, json_type

        def _handle_request(self, repo: Repo) -> tuple[int, object, None, str]:
            """`POST …/user-access-request/handle` with `{user | requestId, status, rejectionReason}`: the
            answers huggingface_hub documents for `accept_access_request` / `reject_access_request` — 400
            when the repo is not gated, 404 when the request cannot be found or is already in that list;
            the reason is shown to the user and holds at most 200 characters."""
            payload = json.loads(self._body() or b"{}")
            if not repo.gated:
                raise _Error(400, "This repository is not gated")
            status = payload.get("status")
            if status not in {"accepted", "rejected", "pending"}:
                raise _Error(400, "Invalid status")
            reason = payload.get("rejectionReason")
            if reason is not None and (status != "rejected" or len(reason) > 200):
                raise _Error(400, "rejectionReason: at most 200 characters, and only when rejecting")
            found = next((r for r in repo.access_requests
                          if ("user" in payload and (r.get("user") or {}).get("user") == payload["user"])
                          or ("requestId" in payload and r.get("requestId") == payload["requestId"])), None)
            if found is None:
                raise _Error(404, "Access request not found")
            if found["status"] == status:
                raise _Error(404, f"Access request is already in the {status} list")
            found["status"] = status
            if reason:
                found["rejectionReason"] = reason
            return 200, {}, None, "application/json"

        def _info(self, repo: Repo, commit: Commit) -> dict:
            return {"_id": repo.id, "id": repo.id, "author": repo.id.split("/")[0], "sha": commit.oid,
                    **({"sdk": repo.sdk} if repo.type == "space" else {}),
                    "private": repo.private, "gated": repo.gated, "disabled": False, "downloads": repo.downloads,
                    "downloadsAllTime": repo.downloads_all_time,
                    "likes": repo.likes, "tags": [], "createdAt": repo.created, "lastModified": commit.date,
                    "siblings": [{"rfilename": p} for p in sorted(commit.files)]}

        def _commit(self, repo: Repo, revision: str) -> tuple[int, object, None, str]:
            if revision != "main":
                raise _Error(400, "this local Hub commits to main only")
            lines = [json.loads(line) for line in self._body().splitlines() if line.strip()]
            header = next(line["value"] for line in lines if line["key"] == "header")
            parent = header.get("parentCommit")
            if parent and parent != repo.head.oid:
                raise _Error(412, "A commit has happened since. Please refresh and try again.")
            files = dict(repo.head.files)
            lfs = set(repo.head.lfs)
            for line in lines:
                value = line["value"]
                if line["key"] == "file":
                    content = base64.b64decode(value["content"])
                    if lfs_tracked(value["path"], len(content), content[:512]):
                        raise _Error(400, f"Your push was rejected because {value['path']} must be stored with Git "
                                          "LFS (see .gitattributes): upload it as an LFS file")
                    files[value["path"]] = content
                    lfs.discard(value["path"])
                elif line["key"] == "lfsFile":
                    stored = hub.lfs_objects.get(value["oid"])
                    if stored is None or len(stored) != value["size"]:
                        raise _Error(422, f"Your push was rejected because an LFS pointer pointed to a file that "
                                          f"does not exist: {value['path']}")
                    files[value["path"]] = stored
                    lfs.add(value["path"])
                elif line["key"] == "deletedFile":
                    files.pop(value["path"], None)
                    lfs.discard(value["path"])
                elif line["key"] == "deletedFolder":
                    files = {p: d for p, d in files.items() if not p.startswith(value["path"].rstrip("/") + "/")}
                elif line["key"] != "header":
                    raise _Error(400, f"unsupported operation {line['key']}")
            message = header["summary"]
            oid = _commit_oid(repo.head.oid, message, files)
            author = self._caller().name
            repo.commits.append(Commit(oid, repo.head.oid, message, files, _now(), author,
                                       frozenset(p for p in lfs if p in files)))
            return 200, {"success": True, "commitOid": oid,
                         "commitUrl": f"{hub.url}/datasets/{repo.id}/commit/{oid}"}, None, "application/json"

    return Handler


def _commit_oid(parent: str | None, message: str, files: dict[str, bytes]) -> str:
    tree = json.dumps({p: blob_oid(d) for p, d in sorted(files.items())})
    return hashlib.sha1(f"{parent}\n{message}\n{tree}\n{_now()}".encode()).hexdigest()


def _remote_oid(commit: Commit | None, path: str) -> str | None:
    if commit is None or path not in commit.files:
        return None
    data = commit.files[path]
    return hashlib.sha256(data).hexdigest() if path in commit.lfs else blob_oid(data)


def _tree(commit: Commit | None, prefix: str, recursive: bool) -> list[dict]:
    if commit is None:
        return []
    prefix = prefix.strip("/")
    entries: dict[str, dict] = {}
    for path, data in sorted(commit.files.items()):
        if prefix and not path.startswith(prefix + "/"):
            continue
        relative = path[len(prefix) + 1:] if prefix else path
        head, _, _ = relative.partition("/")
        if "/" in relative and not recursive:
            folder = f"{prefix}/{head}" if prefix else head
            entries[folder] = {"type": "directory", "oid": blob_oid(folder.encode()), "size": 0, "path": folder}
            continue
        if recursive:
            parts = path.split("/")
            for i in range(1, len(parts)):
                folder = "/".join(parts[:i])
                if not prefix or folder.startswith(prefix + "/"):
                    entries[folder] = {"type": "directory", "oid": blob_oid(folder.encode()), "size": 0,
                                       "path": folder}
        if path in commit.lfs:  # the Hub's tree entry of an LFS file: its pointer's blob id, and `lfs`
            pointer = lfs_pointer(data)
            entries[path] = {"type": "file", "oid": blob_oid(pointer), "size": len(data), "path": path,
                             "lfs": {"oid": hashlib.sha256(data).hexdigest(), "size": len(data),
                                     "pointerSize": len(pointer)}}
            continue
        entries[path] = {"type": "file", "oid": blob_oid(data), "size": len(data), "path": path}
    return list(entries.values())


def start_local_hub(hub: LocalHub, port: int = 0) -> Running:
    """Serve `hub` on 127.0.0.1 until the returned server is stopped (OSError when the port is taken)."""

    def handler(url: str) -> type[DispatchingHandler]:
        hub.url = url
        return _handler(hub)

    return Running("local-hub", handler, port)


@contextmanager
def serve_local_hub() -> Iterator[LocalHub]:
    """A fresh Hub on a free port, for the length of a `with` block (the tests' fixture)."""
    hub = LocalHub()
    running = start_local_hub(hub)
    try:
        yield hub
    finally:
        running.stop()


def comment_event(author: str | None, text: str, at: str, hidden: bool = False, edited: bool = False) -> dict:
    """A `comment` event as discussion details list it; a deleted account has no `author`, a hidden
    comment keeps no text (the Hub empties it; huggingface_hub reads `data.latest.raw`)."""
    return {"id": hashlib.sha1(f"{author}{at}{text}".encode()).hexdigest()[:24], "type": "comment", "createdAt": at,
            **({"author": {"name": author, "fullname": author.title(), "type": "user"}} if author else {}),
            "data": {"edited": edited, "hidden": hidden,
                     "latest": {"raw": "" if hidden else text, "html": "" if hidden else f"<p>{text}</p>",
                                "updatedAt": at}}}


def thread(num: int, title: str, author: str | None, at: str, comments: list[dict] | None = None,
           status: str = "open", pull_request: bool = False, locked: bool = False, body: str = "") -> dict:
    """A discussion as the Hub keeps it: its opening post is its first comment event."""
    return {"num": num, "title": title, "status": status, "isPullRequest": pull_request, "createdAt": at,
            **({"author": {"name": author, "type": "user"}} if author else {}),
            "events": [comment_event(author, body or title, at), *(comments or [])], "locked": locked}


def liker(user: str) -> dict:
    """A liker as `/likers` lists it."""
    return {"user": user, "fullname": user.title(), "avatarUrl": f"/avatars/{user}.png"}
