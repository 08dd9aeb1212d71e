"""What a public form's submissions are read through: a Supabase table (with the service role) or the
sandbox's file. Landing leads and landing-form answers are both read this way, so one protocol names it."""

from __future__ import annotations

from typing import Protocol, TypeVar

T = TypeVar("T")


class Submissions(Protocol[T]):
    """A form's submissions and where they are kept (said on the pages that read them)."""

    where: str

    def submitted(self) -> list[T]:
        """Every submission, oldest first; an error in words when they cannot be read."""
