"""Shared fixtures: tiny exports built by the tests themselves, the demo dataset, and a local
Supabase made of real parts."""

from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from streamlit import config as streamlit_config

from services.dataset.loader import LoadedDataset, load_dataset
from services.demo import generator as demo
from services.hub.config import HubSettings
from services.local_hub.state import LocalHub
from services.local_hub.state import User as HubUser
from services.supabase.client import SupabaseSession, connect
from services.supabase.config import settings_from
from tests.support import postgrest_binary
from tests.support.exports import export_bytes, make_conversation
from tests.support.hub_faults import faults_of, serve_local_hub
from tests.support.supabase_stack import PLATFORM_SKIP, SupabaseStack
from tests.support.supabase_stack import supabase_stack as start_supabase_stack

ARTIFACTS = Path(__file__).parent / "artifacts"

# The test run never meets the developer's real credentials: no Supabase / Hub / publishing
# variables from the shell, and Streamlit's secrets (for AppTest, in this process) from an empty
# file instead of `.streamlit/secrets.toml`. Tests that need settings give them explicitly
# (monkeypatch, `at.secrets`); the app started by browser tests is isolated the same way
# (tests/support/streamlit_server.py).
for _name in ("SUPABASE_URL", "SUPABASE_KEY", "SUPABASE_PUBLISHABLE_KEY", "HF_TOKEN", "HF_ENDPOINT",
              "STUDIO_PUBLISH_PASSWORD", "STUDIO_RELEASES_FILE", "STUDIO_TRACTION_FILE", "STUDIO_DECISIONS_FILE",
              "STUDIO_LIKERS_FILE", "STUDIO_SANDBOX"):
    os.environ.pop(_name, None)
# The sandbox (on whenever a page has no Hub token) lives in a folder of this run, on a free port: never the
# checkout's `.sandbox/`, never the port a developer's running studio holds.
os.environ["STUDIO_SANDBOX_DIR"] = tempfile.mkdtemp(prefix="lms-sandbox-")
os.environ["STUDIO_SANDBOX_PORT"] = "0"
# Loads are kept (text store and facts) in a folder of this run, never the checkout's `.cache/stores`.
os.environ["STUDIO_STORE_DIR"] = tempfile.mkdtemp(prefix="lms-stores-")
_NO_SECRETS = Path(tempfile.mkdtemp(prefix="lms-tests-")) / "secrets.toml"
_NO_SECRETS.write_text("")
streamlit_config.set_option("secrets.files", [str(_NO_SECRETS)])


@pytest.fixture(autouse=True)
def _funnel_files(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Traction snapshots and access decisions go to a fresh folder per test, never to the checkout's
    `releases/` (a test that needs another place sets the variable itself)."""
    where = tmp_path_factory.mktemp("funnel-records")
    monkeypatch.setenv("STUDIO_TRACTION_FILE", str(where / "traction.jsonl"))
    monkeypatch.setenv("STUDIO_DECISIONS_FILE", str(where / "access-decisions.jsonl"))


@pytest.fixture(scope="session")
def demo_export() -> dict:
    return demo.generate()


@pytest.fixture(scope="session")
def demo_dataset() -> LoadedDataset:
    return load_dataset(demo.demo_bytes(), "demo dataset")


@pytest.fixture
def small_export() -> dict:
    """Two conversations whose every figure is easy to count by hand (see exports.py)."""
    return {
        "training_file_metadata": {"total_conversations": 2, "total_training_pairs": 7,
                                   "scaffolding_distribution": {
                                       "personas": {"anxious_planner": 1, "pragmatic_optimist": 1},
                                       "emotional_arcs": {"shame_to_acceptance": 1, "crisis_to_referral": 1},
                                       "training_topics": {"emergency_fund": 2}}},
        "consultant_profile": {"name": "Elena Morales, CFP"},
        "conversations": [
            make_conversation("c-1", "anxious_planner", "shame_to_acceptance", "emergency_fund", turns=4,
                              quality=3.0, intensities=[0.8, 0.6, 0.4, 0.2]),
            make_conversation("c-2", "pragmatic_optimist", "crisis_to_referral", "emergency_fund", turns=3,
                              quality=4.0, intensities=[0.9, 0.7, 0.5]),
        ],
    }


@pytest.fixture
def write_export(tmp_path: Path):
    def write(export: dict | bytes, name: str = "training.json") -> Path:
        path = tmp_path / name
        path.write_bytes(export if isinstance(export, bytes) else export_bytes(export))
        return path
    return write


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


# --- a local Supabase of real parts (PostgreSQL, PostgREST, gateway) ------------------------
@pytest.fixture(scope="session")
def supabase_stack() -> Iterator[SupabaseStack]:
    """One stack for the whole run (it starts in about 3 s): 2,600 conversations, 4 training files."""
    if not postgrest_binary.supported():
        pytest.skip(reason=PLATFORM_SKIP)
    with start_supabase_stack() as stack:
        yield stack


@pytest.fixture
def supabase(supabase_stack: SupabaseStack) -> Iterator[SupabaseStack]:
    """The shared stack, with no fault left over from another test, nor any left behind, and no form
    try of another test counting against this one's limits."""
    supabase_stack.gateway.clear()
    with psycopg.connect(supabase_stack.db_uri, autocommit=True) as db:
        db.execute("DELETE FROM private.public_form_tries")
        db.execute("UPDATE private.public_form_settings SET per_client_per_minute = 5, per_page_per_minute = 60")
    yield supabase_stack
    supabase_stack.gateway.clear()


@pytest.fixture
def supabase_session(supabase: SupabaseStack) -> Iterator[SupabaseSession]:
    """A service-role session with a short retry budget, so fault tests stay quick."""
    session = connect(settings_from({"url": supabase.url, "key": supabase.key()}, backoff=0.05, timeout=5))
    yield session
    session.close()


# --- a local Hugging Face Hub ----------------------------------------------------------------
HUB_TOKEN = "hf_test_" + secrets.token_hex(16)  # random per run, so a scan for it means something
HUB_READ_TOKEN = "hf_read_" + secrets.token_hex(16)
HUB_OUTSIDER_TOKEN = "hf_outsider_" + secrets.token_hex(16)
HUB_ORG = "brightrun"


@pytest.fixture(scope="session")
def local_hub_server() -> Iterator[LocalHub]:
    with serve_local_hub() as hub:
        yield hub


@pytest.fixture
def local_hub(local_hub_server: LocalHub) -> Iterator[LocalHub]:
    """An empty Hub with three accounts: a writer in the org, a read-only token, an outsider."""
    hub = local_hub_server
    hub.reset()
    faults_of(hub).clear()
    hub.users.clear()
    hub.users[HUB_TOKEN] = HubUser("owner", "owner@brightrun.example", {HUB_ORG: "write"})
    hub.users[HUB_READ_TOKEN] = HubUser("reader", "reader@brightrun.example", {HUB_ORG: "read"}, token_role="read")
    hub.users[HUB_OUTSIDER_TOKEN] = HubUser("outsider", "outsider@example.com", {})
    yield hub
    hub.reset()
    faults_of(hub).clear()


@pytest.fixture
def hub_settings(local_hub: LocalHub) -> HubSettings:
    return HubSettings(token=HUB_TOKEN, endpoint=local_hub.url, backoff=0.01)


# --- the loop: a released landscape with threads, likers and form answers ------------------------
@pytest.fixture
def landscape(local_hub: LocalHub) -> LocalHub:
    from tests.support.feedback_landscape import seed_landscape

    return seed_landscape(local_hub)


@pytest.fixture
def published():
    from tests.support.feedback_landscape import published_landscape

    return published_landscape()


@pytest.fixture
def index():
    from tests.support.feedback_landscape import landscape_index

    return landscape_index()
