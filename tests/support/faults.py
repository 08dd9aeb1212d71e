"""A queue of faults for a test server (the local Hub, the Supabase gateway): each fault applies to the next
requests whose path starts with its `prefix` (and, when it names one, whose method is its `method`), and is
used up after its `times`."""

from __future__ import annotations

import threading
from typing import Generic, Protocol, TypeVar


class Queued(Protocol):
    prefix: str
    times: int


F = TypeVar("F", bound=Queued)


class FaultQueue(Generic[F]):
    """The queued faults of one server, safe to use from its request threads."""

    def __init__(self) -> None:
        self.faults: list[F] = []
        self._lock = threading.Lock()

    def add(self, fault: F) -> None:
        with self._lock:
            self.faults.append(fault)

    def clear(self) -> None:
        with self._lock:
            self.faults.clear()

    def take(self, path: str, method: str | None = None) -> F | None:
        """The first queued fault this request meets, counted down (and removed once used up)."""
        with self._lock:
            for fault in self.faults:
                if path.startswith(fault.prefix) and getattr(fault, "method", None) in {None, method}:
                    fault.times -= 1
                    if fault.times <= 0:
                        self.faults.remove(fault)
                    return fault
        return None
