"""The release's manifest (`release.json`): which plan and data built it, its counts, facts and files
with their sha256, the checks' verdicts; and reading a release folder back against it."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from services.release.errors import BundleDirError
from services.strategy.plans import Plan
from services.utils.files import sha256_of

MANIFEST = "release.json"
MANIFEST_FORMAT = "lead-magnet-studio-release/1"


def plan_sha256(plan: Plan) -> str:
    """The plan's fingerprint in the manifest: which plan built this release."""
    return hashlib.sha256(json.dumps(plan.model_dump(mode="json"), sort_keys=True).encode()).hexdigest()


def files_digest(manifest: dict[str, Any]) -> str:
    """One digest of every file the manifest lists (all but itself): two releases with the same digest
    hold the same bytes, whatever their checks recorded."""
    listed = manifest.get("files") or {}
    lines = "".join(f"{path} {entry.get('sha256')}\n" for path, entry in sorted(listed.items()))
    return hashlib.sha256(lines.encode("utf-8")).hexdigest()


def manifest_bytes(manifest: dict[str, Any]) -> bytes:
    """The manifest as stable, indented JSON bytes."""
    return (json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=False) + "\n").encode("utf-8")


def read_release_dir(folder: Path) -> tuple[dict[str, Path], dict[str, Any]]:
    """The files of a Hub tier folder written by `bundle` (their paths: they are published from disk,
    never read whole), each checked against its manifest's sha256 in chunks."""
    folder = Path(folder)
    manifest_path = folder / MANIFEST
    if not folder.is_dir():
        raise BundleDirError(f"{folder}: not a folder (a Hub tier's release folder is expected)")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BundleDirError(f"{folder}: no {MANIFEST}; is this a folder written by `bundle`?") from None
    except ValueError as exc:
        raise BundleDirError(f"{manifest_path}: not valid JSON ({exc})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != MANIFEST_FORMAT:
        raise BundleDirError(f"{manifest_path}: not a release manifest ({MANIFEST_FORMAT})")
    files = {p.relative_to(folder).as_posix(): p for p in sorted(folder.rglob("*")) if p.is_file()}
    listed = manifest.get("files") or {}
    for path, entry in listed.items():
        if path not in files:
            raise BundleDirError(f"{folder}: {path} is listed in {MANIFEST} but missing")
        if sha256_of(files[path]) != entry.get("sha256"):
            raise BundleDirError(f"{folder}: {path} was changed after the bundle was built (sha256 differs)")
    extra = sorted(set(files) - set(listed) - {MANIFEST})
    if extra:
        raise BundleDirError(f"{folder}: files not in the release: {', '.join(extra)}")
    return files, manifest


def manifest_blocked(manifest: dict[str, Any]) -> list[str]:
    """The blocking checks recorded in a manifest that no override covers."""
    overridden = {name for o in manifest.get("check_overrides") or [] for name in o.get("checks", [])}
    return [c["name"] for c in manifest.get("checks") or []
            if c.get("status") == "block" and c["name"] not in overridden]
