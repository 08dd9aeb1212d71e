"""Which hosts a Python process tried to reach: a `sitecustomize` that logs every `socket.connect`
and `socket.getaddrinfo` (Python's audit events, PEP 578) to a file, for tests that must prove a
process stayed on this machine. Put `audit_dir(...)` first on the child's PYTHONPATH."""

from __future__ import annotations

import ipaddress
import json
from pathlib import Path

SITECUSTOMIZE = '''
import json, os, sys

_LOG = os.environ.get("LMS_CONNECT_LOG")


def _hook(event, args):
    if not _LOG or event not in ("socket.connect", "socket.getaddrinfo"):
        return
    if event == "socket.connect":
        address = args[1]
        if not isinstance(address, tuple):  # a Unix socket: not the network
            return
        host = address[0]
    else:
        host = args[0]
    if isinstance(host, bytes):
        host = host.decode()
    with open(_LOG, "a", encoding="utf-8") as out:
        out.write(json.dumps({"event": event, "host": host}) + "\\n")


sys.addaudithook(_hook)
'''


def audit_dir(where: Path) -> Path:
    """A folder holding the logging `sitecustomize.py`."""
    where.mkdir(parents=True, exist_ok=True)
    (where / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    return where


def hosts(log: Path) -> set[str]:
    """Every host the process tried to reach (names looked up, addresses connected to)."""
    if not log.exists():
        return set()
    return {json.loads(line)["host"] for line in log.read_text(encoding="utf-8").splitlines() if line.strip()}


def off_machine(found: set[str]) -> set[str]:
    """The hosts that are not this machine's loopback interface."""
    def local(host: str) -> bool:
        if host in {"localhost", ""}:
            return True
        try:
            return ipaddress.ip_address(host).is_loopback
        except ValueError:
            return False

    return {h for h in found if not local(h)}
