"""The release package's failures: a folder that is not a built tier, a refused override, a tier kept back."""

from __future__ import annotations

from services.errors import StudioError


class ReleaseError(StudioError):
    """A release cannot be built, read back or overridden as asked; `str()` says why."""


class BundleDirError(ReleaseError):
    """A folder given to `publish` is not a tier's release folder written by `bundle`."""


class OverrideError(ReleaseError):
    """The owner did not type the exact confirmation phrase."""
