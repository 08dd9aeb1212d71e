"""The README's quick start runs as printed, in a new shell (no venv activated), on a fresh sandbox:
every command in its backticks that starts with `make` or `.venv/bin/` is run exactly as written. And
`make run` serves this machine only: the kernel's table of listening sockets says it listens on
127.0.0.1 and nowhere else (the dashboard reads leads, and in the sandbox publishes without a password).
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

from tests.support.streamlit_server import ISOLATED, ROOT, free_port

PROC_TCP = (Path("/proc/net/tcp"), Path("/proc/net/tcp6"))
LISTEN = "0A"


def quick_start_commands() -> list[str]:
    """The commands of the README's quick start (its numbered steps), as printed."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("### Quick start", 1)[1].split("\n#", 1)[0]
    steps = "\n".join(line for line in section.splitlines() if re.match(r"^\d+\. ", line))
    return [c for c in re.findall(r"`([^`]+)`", steps) if c.startswith(("make ", ".venv/bin/"))]


def listening_on(port: int) -> set[str]:
    """The local addresses (hex, as the kernel writes them) of sockets listening on `port`."""
    found = set()
    for table in PROC_TCP:
        if table.exists():
            for line in table.read_text().splitlines()[1:]:
                fields = line.split()
                address, port_hex = fields[1].rsplit(":", 1)
                if int(port_hex, 16) == port and fields[3] == LISTEN:
                    found.add(address)
    return found


def test_the_quick_start_lists_the_commands_it_runs():
    assert quick_start_commands() == ["make run", ".venv/bin/studio sandbox reset"]


@pytest.mark.skipif(not PROC_TCP[0].exists(), reason="reads Linux's /proc/net/tcp to see where a socket listens")
def test_every_quick_start_command_runs_as_printed_and_make_run_listens_on_loopback_only(tmp_path):
    port, sandbox_port = free_port(), free_port()
    secrets = tmp_path / "secrets.toml"
    secrets.write_text("")
    # A new shell: no venv on PATH, no credentials; the app's port and the sandbox's folder are this test's.
    env = {k: v for k, v in os.environ.items() if k not in ISOLATED and k != "VIRTUAL_ENV"}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if ".venv" not in p)
    env.update({"STREAMLIT_SERVER_PORT": str(port), "STREAMLIT_SECRETS_FILES": str(secrets),
                "STUDIO_SANDBOX_DIR": tempfile.mkdtemp(prefix="lms-readme-"), "STUDIO_SANDBOX_PORT": str(sandbox_port)})
    run, reset = quick_start_commands()
    log = tmp_path / "make-run.log"
    with log.open("wb") as out:
        server = subprocess.Popen(["bash", "-c", run], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                  start_new_session=True)
    try:
        deadline = time.monotonic() + 240
        while not listening_on(port):
            assert server.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.25)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=10) as answer:
            assert answer.status == 200
        assert listening_on(port) == {"0100007F"}  # 127.0.0.1, and no other address (no 0.0.0.0, no ::)
        done = subprocess.run(["bash", "-c", reset], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr
        assert f"starts over from its seeded story: http://127.0.0.1:{sandbox_port}" in done.stdout
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)
