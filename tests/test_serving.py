"""`make run` serves the dashboard on this machine only: it reads leads and, in the sandbox, publishes
without a password, so it listens on 127.0.0.1 unless a deployment says otherwise on purpose.

The real `make run` (its install step taken as done) is started on a free port, and the kernel's own
table of listening sockets says on which address it listens.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

from tests.support.streamlit_server import ISOLATED, ROOT, free_port

PROC_TCP = (Path("/proc/net/tcp"), Path("/proc/net/tcp6"))
LISTEN = "0A"


def listening_on(port: int) -> set[str]:
    """The local addresses (hex, as the kernel writes them) of sockets listening on `port`."""
    found = set()
    for table in PROC_TCP:
        if not table.exists():
            continue
        for line in table.read_text().splitlines()[1:]:
            fields = line.split()
            address, port_hex = fields[1].rsplit(":", 1)
            if int(port_hex, 16) == port and fields[3] == LISTEN:
                found.add(address)
    return found


@pytest.mark.skipif(not PROC_TCP[0].exists(), reason="reads Linux's /proc/net/tcp to see where a socket listens")
def test_make_run_listens_on_the_loopback_address_only(tmp_path):
    port = free_port()
    secrets = tmp_path / "secrets.toml"
    secrets.write_text("")
    env = {k: v for k, v in os.environ.items() if k not in ISOLATED}
    env.update({"STREAMLIT_SERVER_PORT": str(port), "STREAMLIT_SECRETS_FILES": str(secrets),
                "STUDIO_SANDBOX_DIR": tempfile.mkdtemp(prefix="lms-make-run-"), "STUDIO_SANDBOX_PORT": "0"})
    log = tmp_path / "make-run.log"
    with log.open("wb") as out:
        # -o: the venv's install step is taken as done (`make test` installed a superset of it).
        proc = subprocess.Popen(["make", "-o", ".venv/.app", "run"], cwd=ROOT, env=env, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        while not listening_on(port):
            assert proc.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.25)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=10) as answer:
            assert answer.status == 200
        assert listening_on(port) == {"0100007F"}  # 127.0.0.1, and no other address (no 0.0.0.0, no ::)
    finally:
        os.killpg(proc.pid, 15)
        proc.wait(timeout=20)
