"""The sandbox's life: it survives a restart, starts over on reset, is shared by a second process
rather than written by two, moves to another port when its own is busy, and says when its state
could not be read."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from services.hub import api as hub_api
from services.sandbox import runtime
from services.sandbox.runtime import ready_sandbox

ROOT = Path(__file__).resolve().parents[2]
REHEARSAL = "brightrun/rehearsal"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _rehearse(sandbox: runtime.Sandbox) -> None:
    api = hub_api.client(sandbox.settings())
    api.create_repo(REHEARSAL, repo_type="dataset")
    api.upload_file(path_or_fileobj=b"# rehearsal\n", path_in_repo="README.md", repo_id=REHEARSAL,
                    repo_type="dataset")


@pytest.fixture(autouse=True)
def _forget():
    """Each test starts with no sandbox open in this process (the session's own is opened again lazily)."""
    runtime.close_all()
    yield
    runtime.close_all()


def test_a_rehearsal_survives_a_restart(tmp_path):
    sandbox = ready_sandbox(tmp_path / "sb", port=0, story=False)
    _rehearse(sandbox)
    runtime.close_all()  # the app stops
    again = ready_sandbox(tmp_path / "sb", port=0, story=False)
    assert again is not sandbox and again.hub is not None
    assert again.hub.files(REHEARSAL)["README.md"] == b"# rehearsal\n"
    assert hub_api.client(again.settings()).dataset_info(REHEARSAL).sha == sandbox.hub.repos[REHEARSAL].head.oid


def test_reset_removes_the_rehearsals_and_brings_the_story_back(tmp_path):
    sandbox = ready_sandbox(tmp_path / "sb", port=0, story=False)
    _rehearse(sandbox)
    (tmp_path / "sb" / "leads.jsonl").write_text("", encoding="utf-8")
    sandbox.reset()
    assert REHEARSAL not in sandbox.hub.repos
    assert {r.tier for r in sandbox.records.history.read()} == {"preview", "eq-100", "full"}
    assert len(sandbox.lead_log.read()) == 40
    runtime.close_all()
    assert REHEARSAL not in ready_sandbox(tmp_path / "sb", port=0).hub.repos  # the reset was saved


def test_a_second_process_uses_the_running_sandbox_instead_of_writing_the_same_files(tmp_path):
    port = _free_port()
    sandbox = ready_sandbox(tmp_path / "sb", port=port, story=False)
    env = {**os.environ, "STUDIO_SANDBOX_DIR": str(tmp_path / "sb"), "STUDIO_SANDBOX_PORT": str(port)}
    out = subprocess.run([sys.executable, "-m", "services.cli", "sandbox", "status"], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert f"sandbox Hub: {sandbox.url} (served by another process)" in out.stdout
    _rehearse(sandbox)
    out = subprocess.run([sys.executable, "-m", "services.cli", "sandbox", "reset"], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert REHEARSAL not in sandbox.hub.repos and len(sandbox.lead_log.read()) == 40  # reset where it is served


def test_a_busy_port_moves_the_sandbox_and_says_so(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        sandbox = ready_sandbox(tmp_path / "sb", port=port, story=False)
        assert not sandbox.url.endswith(f":{port}")
        assert sandbox.note and f"port {port} is busy" in sandbox.note


def test_an_unreadable_state_starts_over_and_says_so(tmp_path):
    (tmp_path / "sb").mkdir()
    (tmp_path / "sb" / "state.json").write_text("{", encoding="utf-8")
    sandbox = ready_sandbox(tmp_path / "sb", port=0, story=False)
    assert sandbox.note and "cannot be read" in sandbox.note and "started over" in sandbox.note
    assert sandbox.hub.repos == {}


def test_it_answers_on_the_loopback_interface_only(tmp_path):
    sandbox = ready_sandbox(tmp_path / "sb", port=0, story=False)
    assert sandbox.url.startswith("http://127.0.0.1:")
    assert sandbox.server is not None and sandbox.server.server.server_address[0] == "127.0.0.1"


@pytest.mark.parametrize(("value", "wanted"), [("1", True), ("yes", True), ("", False), ("0", False)])
def test_studio_sandbox_asks_for_it(value, wanted):
    assert runtime.wanted({"STUDIO_SANDBOX": value}) is wanted


def _ask(url: str, method: str = "GET", headers: dict[str, str] | None = None, body: bytes | None = None):
    import httpx

    return httpx.request(method, url, headers=headers or {}, content=body, timeout=300)


@pytest.mark.parametrize(("headers", "why"), [
    ({"Origin": "http://evil.example", "Content-Type": "text/plain"}, "another origin"),
    ({"Origin": "http://evil.example", "Content-Type": "application/json"}, "another origin"),
    ({"Origin": "null", "Content-Type": "application/json"}, "another origin"),  # a sandboxed frame, a file
    ({"Host": "evil.example", "Content-Type": "application/json"}, "loopback address"),  # DNS rebinding
])
def test_the_sandboxs_controls_refuse_a_foreign_page(tmp_path, headers, why):
    """A web page elsewhere can neither reset the story nor learn where its folder is."""
    sandbox = ready_sandbox(tmp_path / "sb", port=0, story=False)
    _rehearse(sandbox)
    for method, path in (("POST", "/api/sandbox/reset"), ("GET", "/api/sandbox")):
        answer = _ask(sandbox.url + path, method, headers, b"{}" if method == "POST" else None)
        assert answer.status_code == 403 and why in answer.json()["message"]
        assert "access-control-allow-origin" not in answer.headers
        assert str(tmp_path) not in answer.text
    assert REHEARSAL in sandbox.hub.repos  # nothing was reset


def test_the_sandboxs_controls_answer_its_own_origin_and_the_command_line(tmp_path):
    sandbox = ready_sandbox(tmp_path / "sb", port=0, story=False)
    own = {"Origin": sandbox.url, "Content-Type": "application/json"}
    status = _ask(sandbox.url + "/api/sandbox", headers={"Origin": sandbox.url})
    assert status.status_code == 200 and status.json()["folder"] == str((tmp_path / "sb").resolve())
    assert "access-control-allow-origin" not in status.headers  # no other origin may read it
    plain = _ask(sandbox.url + "/api/sandbox/reset", "POST", {"Origin": sandbox.url, "Content-Type": "text/plain"},
                 b"{}")
    assert plain.status_code == 415  # a form post, even from its own origin, is not a reset
    _rehearse(sandbox)
    assert _ask(sandbox.url + "/api/sandbox/reset", "POST", own, b"{}").json() == {"reset": True}
    assert REHEARSAL not in sandbox.hub.repos
