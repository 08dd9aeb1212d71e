"""A small stand-in for Supabase's API gateway, in front of the real PostgREST.

supabase-py talks to `{url}/rest/v1/...` and `{url}/storage/v1/...`. Supabase routes the first
to PostgREST and the second to its Storage service. Here `/rest/v1/*` is proxied, unchanged, to
a real PostgREST process, and `/storage/v1/object/...` (download, upload, list) is served from a
folder, one sub-folder per bucket. Like Supabase, the gateway rejects an `apikey` that is not a
key of the project, and private buckets need a valid JWT of role `authenticated` or
`service_role`.

Faults can be injected (status codes, delays, dropped connections) to test what the studio does
when the network or the server misbehaves; every request is logged for tests that count them.
"""

from __future__ import annotations

import http.client
import json
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from services.utils.http_server import DispatchingHandler, serve
from tests.support import jwt
from tests.support.faults import FaultQueue

PROXIED_REQUEST_HEADERS = ("authorization", "accept", "prefer", "range", "range-unit", "content-type",
                           "accept-profile", "content-profile", "x-client-info")
PROXIED_RESPONSE_HEADERS = ("content-type", "content-range", "content-location", "preference-applied")
# Supabase's gateway answers CORS itself (Kong's `cors` plugin on the rest and storage routes of its
# self-hosting `kong.yml`): any origin, the client's headers, a preflight without a key. A page
# served from elsewhere (a landing page on a Space) posts through it.
CORS = {"Access-Control-Allow-Origin": "*",
        "Access-Control-Allow-Methods": "GET, HEAD, POST, PATCH, PUT, DELETE, OPTIONS",
        "Access-Control-Allow-Headers": "authorization, apikey, content-type, prefer, range, x-client-info, "
                                        "accept-profile, content-profile",
        "Access-Control-Max-Age": "3600"}
READ_ROLES = {"authenticated", "service_role"}


def forwarded_for(sent: str | None, peer: str) -> str:
    """X-Forwarded-For as Supabase's gateway passes it on: Kong, like nginx's `$proxy_add_x_forwarded_for`,
    appends the address it was reached from to whatever the client sent. The last entry is the
    gateway's own; everything to its left is the client's word (supabase/migrations/20261207010000_public_forms.sql
    counts from the right for that reason)."""
    return f"{sent.strip()}, {peer}" if sent and sent.strip() else peer
CHUNK = 1 << 16


@dataclass
class Fault:
    """What to do instead of (or before) answering requests whose path starts with `prefix`."""

    prefix: str
    status: int | None = None  # answer with this status and a JSON error body
    delay: float = 0.0  # wait this long first (to provoke client timeouts)
    drop: bool = False  # close the connection without answering
    max_rows: int | None = None  # cut a PostgREST answer to this many rows (headers unchanged)
    cut_after: int | None = None  # send only this many bytes of a download, then close
    times: int = 1  # how many matching requests it applies to


@dataclass
class Gateway:
    """The running gateway: its URL, the request log and the fault queue."""

    url: str
    storage_root: Path
    requests: list[tuple[str, str, int]] = field(default_factory=list)  # (method, path, status)
    faults: FaultQueue[Fault] = field(default_factory=FaultQueue)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def inject(self, fault: Fault) -> None:
        self.faults.add(fault)

    def clear(self) -> None:
        self.faults.clear()
        with self.lock:
            self.requests.clear()

    def take_fault(self, path: str) -> Fault | None:
        return self.faults.take(path)

    def log(self, method: str, path: str, status: int) -> None:
        with self.lock:
            self.requests.append((method, path, status))

    def count(self, prefix: str) -> int:
        with self.lock:
            return sum(1 for _, path, _ in self.requests if path.startswith(prefix))


def _handler(gateway: Gateway, secret: str, postgrest_port: int,
             private_buckets: frozenset[str]) -> type[DispatchingHandler]:
    local = threading.local()

    def postgrest() -> http.client.HTTPConnection:
        conn = getattr(local, "conn", None)
        if conn is None:
            conn = local.conn = http.client.HTTPConnection("127.0.0.1", postgrest_port, timeout=60)
        return conn

    class Handler(DispatchingHandler):
        # --- plumbing ---------------------------------------------------------------------
        def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
            # Logged before the answer leaves: a client that has its answer finds the request logged
            # (logged after, a test reading the log could run ahead of this thread).
            gateway.log(self.command, self.path, status)
            self.send_response(status)
            for name, value in (headers or {"content-type": "application/json"}).items():
                self.send_header(name, value)
            if self.headers.get("origin"):
                for name, value in CORS.items():
                    self.send_header(name, value)
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _json(self, status: int, payload: object) -> None:
            self._send(status, json.dumps(payload).encode())

        def _storage_error(self, status: int, error: str, message: str) -> None:
            self._json(status, {"statusCode": str(status), "error": error, "message": message})

        def _bearer_claims(self) -> dict | None:
            auth = self.headers.get("authorization", "")
            token = auth.removeprefix("Bearer ").strip() if auth.startswith("Bearer ") else ""
            return jwt.verify(token or self.headers.get("apikey", ""), secret)

        # --- dispatch ---------------------------------------------------------------------
        def _dispatch(self) -> None:
            path = urlsplit(self.path).path
            fault = self.fault = gateway.take_fault(path)
            if fault is not None:
                if fault.delay:
                    threading.Event().wait(fault.delay)
                if fault.drop:
                    self._hang_up()
                    gateway.log(self.command, self.path, 0)
                    return
                if fault.status:
                    self._body()
                    self._json(fault.status, {"message": f"injected fault {fault.status}", "code": "",
                                              "details": None, "hint": None})
                    return
            if self.command == "OPTIONS":  # a browser's preflight: answered here, no key asked
                self._send(200, b"", {"content-type": "text/plain"})
                return
            apikey = self.headers.get("apikey", "")
            # Like Supabase's gateway: an apikey not signed by the project is refused outright; an
            # expired one passes, and PostgREST answers "JWT expired" as it does in production.
            if jwt.verify(apikey, secret, require_unexpired=False) is None:
                self._body()
                self._json(401, {"message": "Invalid API key",
                                 "hint": "Double check your Supabase `anon` or `service_role` API key."})
                return
            if path.startswith("/rest/v1/"):
                self._proxy(path.removeprefix("/rest/v1"))
            elif path.startswith("/storage/v1/object/"):
                self._storage(path.removeprefix("/storage/v1/object/"))
            else:
                self._json(404, {"message": "no route matched"})

        def _proxy(self, rest: str) -> None:
            query = urlsplit(self.path).query
            target = rest + (f"?{query}" if query else "")
            headers = {k: v for k, v in self.headers.items() if k.lower() in PROXIED_REQUEST_HEADERS}
            headers["X-Forwarded-For"] = forwarded_for(self.headers.get("x-forwarded-for"), self.client_address[0])
            if "authorization" not in {k.lower() for k in headers}:
                headers["Authorization"] = f"Bearer {self.headers['apikey']}"
            body = self._body()
            for attempt in range(2):  # a pooled connection PostgREST closed: reconnect once
                conn = postgrest()
                try:
                    conn.request(self.command, target, body=body or None, headers=headers)
                    response = conn.getresponse()
                    data = response.read()
                    break
                except (http.client.HTTPException, ConnectionError):
                    conn.close()
                    local.conn = None
                    if attempt:
                        raise
            kept = {k: v for k, v in response.getheaders() if k.lower() in PROXIED_RESPONSE_HEADERS}
            if self.fault is not None and self.fault.max_rows is not None and response.status == 200:
                data = json.dumps(json.loads(data)[:self.fault.max_rows]).encode()
            self._send(response.status, data, kept)

        def _storage(self, rest: str) -> None:
            parts = [unquote(p) for p in rest.split("/") if p]
            if parts and parts[0] in {"authenticated", "public"}:
                parts = parts[1:]
            if self.command == "POST" and parts[:1] == ["list"]:
                self._list(parts[1] if len(parts) > 1 else "")
                return
            if len(parts) < 2 or any(p in {".", ".."} for p in parts):
                self._storage_error(400, "invalid_key", "invalid object key")
                return
            bucket, key = parts[0], parts[1:]
            claims = self._bearer_claims()
            if bucket in private_buckets and (claims is None or claims.get("role") not in READ_ROLES):
                self._body()
                self._storage_error(403, "Unauthorized", "new row violates row-level security policy")
                return
            path = gateway.storage_root.joinpath(bucket, *key)
            if self.command == "POST":
                self._upload(path, f"{bucket}/{'/'.join(key)}")
            elif self.command in {"GET", "HEAD"}:
                self._download(path)
            else:
                self._storage_error(405, "method_not_allowed", self.command)

        def _download(self, path: Path) -> None:
            if not path.is_file():
                self._storage_error(404, "not_found", "Object not found")
                return
            size = path.stat().st_size
            gateway.log(self.command, self.path, 200)  # before the answer leaves, as in `_send`
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(size))
            self.end_headers()
            cut = self.fault.cut_after if self.fault is not None else None
            if self.command == "GET" and cut is not None:
                with path.open("rb") as handle:
                    self.wfile.write(handle.read(cut))
                self.close_connection = True
            elif self.command == "GET":
                with path.open("rb") as handle:
                    shutil.copyfileobj(handle, self.wfile, CHUNK)

        def _upload(self, path: Path, key: str) -> None:
            body = self._body()
            if path.exists() and self.headers.get("x-upsert", "false") != "true":
                self._storage_error(409, "Duplicate", "The resource already exists")
                return
            path.parent.mkdir(parents=True, exist_ok=True)
            part = path.with_name(path.name + ".part")
            part.write_bytes(body)
            part.replace(path)
            self._json(200, {"Key": key})

        def _list(self, bucket: str) -> None:
            options = json.loads(self._body() or b"{}")
            folder = gateway.storage_root.joinpath(bucket, *[p for p in options.get("prefix", "").split("/") if p])
            entries = sorted(folder.iterdir()) if folder.is_dir() else []
            offset, limit = int(options.get("offset", 0)), int(options.get("limit", 100))
            self._json(200, [{"name": e.name, "id": None if e.is_dir() else e.name,
                              "metadata": None if e.is_dir() else {"size": e.stat().st_size}}
                             for e in entries[offset:offset + limit]])

    return Handler


@contextmanager
def serve_gateway(postgrest_port: int, secret: str, storage_root: Path,
                  private_buckets: frozenset[str] = frozenset({"training-files", "conversation-files"}),
                  ) -> Iterator[Gateway]:
    gateway = Gateway(url="", storage_root=storage_root)

    def handler(url: str) -> type[DispatchingHandler]:
        gateway.url = url
        return _handler(gateway, secret, postgrest_port, private_buckets)

    with serve("supabase-gateway", handler):
        yield gateway
