"""What the local test servers (the Supabase gateway, the local Hub) share: a threaded HTTP/1.1
server on a free port, quiet about clients that hang up, and a handler that sends every method
to one `_dispatch` and reads a request's body once."""

from __future__ import annotations

import http.client
import socket
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients that gave up (timeouts, injected drops) and a backend already stopped are expected."""
        if not isinstance(sys.exc_info()[1], ConnectionError | TimeoutError | http.client.HTTPException):
            super().handle_error(request, client_address)


class DispatchingHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        """Silent: the servers keep their own request logs."""

    def _dispatch(self) -> None:
        raise NotImplementedError

    def _run(self) -> None:
        self._read: bytes | None = None
        self._dispatch()

    def do_GET(self) -> None:
        """Every method goes to `_dispatch`."""
        self._run()

    def do_HEAD(self) -> None:
        """Every method goes to `_dispatch`."""
        self._run()

    def do_POST(self) -> None:
        """Every method goes to `_dispatch`."""
        self._run()

    def do_PUT(self) -> None:
        """Every method goes to `_dispatch`."""
        self._run()

    def do_PATCH(self) -> None:
        """PostgREST's update: Supabase's gateway passes every method through."""
        self._run()

    def do_DELETE(self) -> None:
        """Every method goes to `_dispatch`."""
        self._run()

    def do_OPTIONS(self) -> None:
        """A browser's CORS preflight."""
        self._run()

    def _hang_up(self) -> None:
        """Close the connection without an answer (an injected dropped connection)."""
        self._body()
        self.close_connection = True
        self.connection.shutdown(socket.SHUT_RDWR)

    def _body(self) -> bytes:
        """The request body, read once however often it is asked for."""
        if self._read is None:
            if self.headers.get("transfer-encoding", "").lower() == "chunked":  # an upload streamed from a file
                chunks = []
                while size := int(self.rfile.readline().split(b";")[0].strip() or b"0", 16):
                    chunks.append(self.rfile.read(size))
                    self.rfile.readline()  # the CRLF after each chunk
                self.rfile.readline()  # the CRLF after the last, empty chunk
                self._read = b"".join(chunks)
            else:
                length = int(self.headers.get("content-length") or 0)
                self._read = self.rfile.read(length) if length else b""
        return self._read


class Running:
    """A server answering on 127.0.0.1 in a daemon thread until `stop()`."""

    def __init__(self, name: str, make_handler: Callable[[str], type[BaseHTTPRequestHandler]], port: int = 0) -> None:
        self.server = QuietServer(("127.0.0.1", port), BaseHTTPRequestHandler)  # OSError when the port is taken
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.server.RequestHandlerClass = make_handler(self.url)
        self.thread = threading.Thread(target=self.server.serve_forever, name=name, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        """Stop answering and free the port."""
        self.server.shutdown()
        self.server.server_close()


@contextmanager
def serve(name: str, make_handler: Callable[[str], type[BaseHTTPRequestHandler]], port: int = 0) -> Iterator[str]:
    """Serve on 127.0.0.1 (a free port unless one is named) in a daemon thread; `make_handler(url)`
    builds the handler class."""
    running = Running(name, make_handler, port)
    try:
        yield running.url
    finally:
        running.stop()
