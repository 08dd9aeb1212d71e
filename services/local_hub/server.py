"""The local Hub over HTTP: parse a request, let the host's hooks have their say (the tests' interference,
the sandbox's own routes), route it, answer, and log it. The plumbing only: what each path answers is
in `dispatch` and `routes/`."""

from __future__ import annotations

import json
import threading
from urllib.parse import parse_qs, unquote, urlsplit

from services.local_hub.dispatch import route
from services.local_hub.extension import ExtensionRequest
from services.local_hub.request import HubRequest, Reply
from services.local_hub.rules import HubError, rate_limit_headers
from services.local_hub.state import Interference, LocalHub
from services.utils.http_server import DispatchingHandler, Running

MUTATING = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _handler(hub: LocalHub) -> type[DispatchingHandler]:
    class Handler(DispatchingHandler):
        def _send(self, reply: Reply) -> None:
            body = reply.raw if reply.raw is not None else json.dumps(reply.payload).encode()
            self.send_response(reply.status)
            self.send_header("content-type", reply.content_type)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.send_header("content-length", str(len(body)))
            if reply.status >= 400 and isinstance(reply.payload, dict) and "error" in reply.payload:
                self.send_header("x-error-message", reply.payload["error"])
            self.end_headers()
            self.wfile.write(body)
            self._log(reply.status)

        def _log(self, status: int) -> None:
            with hub.lock:
                hub.requests.append((self.command, urlsplit(self.path).path, status))

        def _drop(self) -> None:
            self._hang_up()
            self._log(0)

        def _interfere(self, planned: Interference) -> bool:
            """Act on what the tests' hook planned before the work; True when that answered the request."""
            if planned.delay and not planned.after:
                threading.Event().wait(planned.delay)
            if planned.drop and not planned.after:
                self._drop()
                return True
            if planned.status:
                self._body()
                headers = {**(rate_limit_headers() if planned.status == 429 else {}), **planned.headers}
                if planned.html:
                    page = f"<html><body><h1>{planned.status} Bad Gateway</h1></body></html>".encode()
                    self._send(Reply(raw=page, content_type="text/html", headers=headers, status=planned.status))
                else:
                    self._send(Reply({"error": f"injected fault {planned.status}"}, headers=headers,
                                     status=planned.status))
                return True
            return False

        def _dispatch(self) -> None:
            target = urlsplit(self.path)
            parts = [unquote(p) for p in target.path.strip("/").split("/")]
            with hub.lock:
                hub.headers_seen.append(dict(self.headers))
            planned = hub.interceptor.before(self.command, target.path) if hub.interceptor is not None else None
            if planned is not None and self._interfere(planned):
                return
            if hub.extension is not None:  # its routes take the lock themselves, if they need it
                routed = hub.extension.route(ExtensionRequest(
                    self.command, parts, {k.lower(): v for k, v in self.headers.items()}, self._body,
                    self.client_address[0]))
                if routed is not None:
                    (status, payload, raw, content_type), extra = routed
                    self._send(Reply(payload, raw, content_type, dict(extra), status))
                    return
            request = HubRequest(hub, self.command, target.path, parts, parse_qs(target.query), target.query,
                                 self.headers, self._body)
            try:
                with hub.lock:
                    reply = route(request)
                    if self.command in MUTATING and hub.on_change is not None:
                        hub.on_change()
            except HubError as exc:
                self._body()  # a refused request's body must not stay on the kept-alive connection
                self._send(Reply({"error": exc.message, **exc.extra}, headers=exc.headers, status=exc.status))
                return
            if planned is not None and planned.after and planned.delay:  # done; its answer is late (a stall)
                threading.Event().wait(planned.delay)
            if planned is not None and planned.drop and planned.after:
                self._drop()
                return
            self._send(reply)

    return Handler


def start_local_hub(hub: LocalHub, port: int = 0) -> Running:
    """Serve `hub` on 127.0.0.1 until the returned server is stopped (OSError when the port is taken)."""

    def handler(url: str) -> type[DispatchingHandler]:
        hub.url = url
        return _handler(hub)

    return Running("local-hub", handler, port)
