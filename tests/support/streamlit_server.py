"""Run the real app with `streamlit run` on a free port, for browser tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ISOLATED = frozenset({"SUPABASE_URL", "SUPABASE_KEY", "HF_TOKEN", "HF_ENDPOINT", "STUDIO_PUBLISH_PASSWORD",
                      "STUDIO_RELEASES_FILE", "STREAMLIT_SECRETS_FILES", "STUDIO_SANDBOX"})


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def streamlit_app(env: dict[str, str] | None = None, timeout: float = 60.0,
                  address: str | None = "127.0.0.1", port: int | None = None) -> Iterator[str]:
    """Start the app; yield its base URL; stop it (and say why if it never came up).

    The app never reads the developer's own `.streamlit/secrets.toml` (a real token or project
    must not meet a test): secrets come from an empty file unless `env` names another, and the
    Supabase / Hub / publishing variables of the calling shell are not passed on. `address=None`
    leaves the address to `.streamlit/config.toml`, as `make run` does. `port`: one chosen beforehand
    (a sign-in's redirect URI names it), else a free one.
    """
    port = port or free_port()
    log = ROOT / "tests" / "artifacts" / f"streamlit-{port}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    no_secrets = log.parent / "no-secrets.toml"
    no_secrets.write_text("")
    inherited = {k: v for k, v in os.environ.items() if k not in ISOLATED}
    # Its own sandbox folder: two processes never write one (the tests' process may hold another).
    inherited["STUDIO_SANDBOX_DIR"] = tempfile.mkdtemp(prefix="lms-app-sandbox-")
    cmd = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
           *(["--server.address", address] if address else []), "--server.headless", "true",
           "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                                env={**inherited, "STREAMLIT_SECRETS_FILES": str(no_secrets), **(env or {})})
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + timeout
            while True:
                if proc.poll() is not None:
                    raise RuntimeError(f"streamlit exited early:\n{log.read_text()}")
                try:
                    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                        if resp.status == 200:
                            break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"streamlit did not answer within {timeout:.0f} s:\n{log.read_text()}")
                time.sleep(0.25)
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
