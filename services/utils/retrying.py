"""One retry loop for every remote call (Supabase, the Hub): bounded attempts, doubling backoff,
and the final error saying how often it was tried.

Each service decides what its errors mean (`classify`: the error in words, and whether a retry
may help) and how long a server asked it to wait (`pause`); this module only loops.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol, TypeVar

T = TypeVar("T")


class TriedError(Protocol):
    def tried(self, attempts: int) -> Exception:
        """The same error, saying it was tried `attempts` times."""


def retrying(action: Callable[[], T], classify: Callable[[Exception], tuple[Exception, bool]], attempts: int,
             backoff: float, pause: Callable[[Exception], float | None] = lambda exc: None) -> T:
    """`action()`, tried up to `attempts` times while `classify` says a retry may help."""
    for attempt in range(attempts):
        try:
            return action()
        except Exception as exc:
            error, retry = classify(exc)
            if not retry or attempt == attempts - 1:
                if retry and attempts > 1 and hasattr(error, "tried"):
                    error = error.tried(attempts)
                raise error from None
            time.sleep(pause(exc) or backoff * 2**attempt)
    raise ValueError("attempts must be at least 1")
