"""A real OpenID Connect provider on 127.0.0.1 for the sign-in tests: the `oidc-provider-mock`
package from PyPI (Authlib and Flask behind a werkzeug server), with the users a test names.

Its authorization page is a form: the test types the user's `sub` and presses Authorize, as a person
would on a provider's login page. A user's claims are whatever the test gives, `email_verified`
included (or left out, as a provider that lets anyone sign up under any address would).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import werkzeug.serving


@dataclass
class RunningProvider:
    url: str
    server: werkzeug.serving.BaseWSGIServer
    thread: threading.Thread

    @property
    def metadata_url(self) -> str:
        return f"{self.url}/.well-known/openid-configuration"

    def stop(self) -> None:
        """Take the provider down (an outage): its port then refuses connections."""
        if self.thread.is_alive():
            self.server.shutdown()
            self.thread.join(timeout=10)
            self.server.server_close()


@contextmanager
def oidc_provider(users: Mapping[str, Mapping[str, Any]]) -> Iterator[RunningProvider]:
    """Serve the provider with these users (`sub` → claims) until the block ends."""
    from oidc_provider_mock import User, app

    wsgi = app(user_claims=[User(sub=sub, claims=dict(claims)) for sub, claims in users.items()])
    server = werkzeug.serving.make_server("127.0.0.1", 0, wsgi, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, name="oidc-provider",
                              daemon=True)
    thread.start()
    running = RunningProvider(f"http://127.0.0.1:{server.server_port}", server, thread)
    try:
        yield running
    finally:
        running.stop()
