"""The command line in the sandbox: `--sandbox` / STUDIO_SANDBOX=1 move every Hub command and record
there, nothing reaches beyond 127.0.0.1, and the real records are never touched."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.connections import audit_dir, hosts, off_machine

ROOT = Path(__file__).resolve().parents[2]
PREVIEW = "brightrun/financial-eq-billboard-preview"


@pytest.fixture
def cli(tmp_path):
    """Run the CLI as its own process, with the sandbox in `tmp_path`, the real records elsewhere,
    and every connection it tries logged."""
    log = tmp_path / "connections.jsonl"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "SUPABASE_"))}
    env |= {"STUDIO_SANDBOX_DIR": str(tmp_path / "sandbox"), "STUDIO_SANDBOX_PORT": "0",
            "STUDIO_RELEASES_FILE": str(tmp_path / "real" / "history.jsonl"),
            "STUDIO_TRACTION_FILE": str(tmp_path / "real" / "traction.jsonl"),
            "LMS_CONNECT_LOG": str(log),
            "PYTHONPATH": os.pathsep.join([str(audit_dir(tmp_path / "audit")), str(ROOT)])}

    def run(*args: str, extra: dict[str, str] | None = None) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "services.cli", *args], cwd=ROOT, env=env | (extra or {}),
                              capture_output=True, text=True, timeout=600)

    run.log = log  # type: ignore[attr-defined]
    run.tmp = tmp_path  # type: ignore[attr-defined]
    return run


def test_bundle_and_publish_a_tier_to_the_sandbox_then_read_the_funnel(cli):
    out = cli("--sandbox", "bundle", "demo", "--preset", "billboard", "--out", str(cli.tmp / "release"),
              "--no-image")
    assert out.returncode == 0, out.stderr
    card = (cli.tmp / "release" / "preview" / "README.md").read_text()
    assert "http://127.0.0.1:" in card and "huggingface.co/datasets/brightrun" not in card  # links to the sandbox
    out = cli("--sandbox", "publish", str(cli.tmp / "release" / "preview"))
    assert out.returncode == 0, out.stderr
    assert "as sandbox-owner" in out.stdout and "published: http://127.0.0.1:" in out.stdout
    assert ", tag v3)" in out.stdout  # after the story's v1 and v2
    out = cli("leads", extra={"STUDIO_SANDBOX": "1"})
    assert out.returncode == 0, out.stderr
    assert "@example.com" in out.stdout
    out = cli("--sandbox", "feedback", "--json")
    assert out.returncode == 0, out.stderr
    assert "is a Spanish set planned?" in out.stdout  # a seeded thread, read from the sandbox
    out = cli("--sandbox", "traction", "snapshot")
    assert out.returncode == 0, out.stderr
    assert not (cli.tmp / "real").exists()  # the real history and snapshots never saw the sandbox
    assert off_machine(hosts(cli.log)) == set(), hosts(cli.log)
    assert hosts(cli.log)  # the log did see the sandbox's own connections


def test_reset_takes_the_rehearsal_away(cli):
    assert cli("--sandbox", "bundle", "demo", "--preset", "giveaway", "--out", str(cli.tmp / "r"),
               "--no-image").returncode == 0
    assert cli("--sandbox", "publish", str(cli.tmp / "r" / "full")).returncode == 0
    status = cli("sandbox", "status")
    assert "releases recorded: 7" in status.stdout, status.stdout
    out = cli("sandbox", "reset")
    assert out.returncode == 0 and "starts over" in out.stdout
    assert "releases recorded: 6; landing leads: 40" in cli("sandbox", "status").stdout


def test_without_the_flag_the_real_hub_is_asked_for(cli):
    out = cli("leads")
    assert out.returncode == 2 and "no Hugging Face token" in out.stderr
