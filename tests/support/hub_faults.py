"""Faults on the local Hub, for the tests: a status, a delay, a dropped connection, queued per path prefix
and method, installed through the Hub's `interceptor` hook (the sandbox serves without one)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from services.local_hub.server import start_local_hub
from services.local_hub.state import Interference, LocalHub
from tests.support.faults import FaultQueue


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


class HubFaults(FaultQueue[Fault]):
    """The local Hub's queued faults, as its `interceptor`: what the next matching request meets."""

    def before(self, method: str, path: str) -> Interference | None:
        fault = self.take(path, method)
        if fault is None:
            return None
        return Interference(status=fault.status, drop=fault.drop, delay=fault.delay, after=fault.after,
                            headers=dict(fault.headers), html=fault.html)


def faults_of(hub: LocalHub) -> HubFaults:
    """The Hub's fault queue, installed on first use."""
    if not isinstance(hub.interceptor, HubFaults):
        hub.interceptor = HubFaults()
    return hub.interceptor


def inject(hub: LocalHub, fault: Fault) -> None:
    """Queue a fault for the next matching requests to `hub`."""
    faults_of(hub).add(fault)


@contextmanager
def serve_local_hub() -> Iterator[LocalHub]:
    """A fresh Hub on a free port, with a fault queue, for the length of a `with` block (the tests' fixture)."""
    hub = LocalHub()
    faults_of(hub)
    running = start_local_hub(hub)
    try:
        yield hub
    finally:
        running.stop()
