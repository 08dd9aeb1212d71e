"""The Hub's conformance tests, run on both local Hubs: the tests' and the sandbox's.

They are the same code (`services/local_hub/`); the sandbox's adds a save to disk after
every change and its own routes beside the Hub's. Running the same tests on both holds the sandbox
to every rule the tests' Hub is held to. A module (or a conftest) opts in with
`local_hub = both_hubs.local_hub`.
"""

from __future__ import annotations

import pytest

from services.sandbox import runtime


@pytest.fixture(params=["tests' Hub", "sandbox Hub"])
def local_hub(request, local_hub, tmp_path):
    """The tests' Hub, or an empty sandbox's Hub with the same accounts (stopped after the test)."""
    if request.param == "tests' Hub":
        yield local_hub
        return
    folder = tmp_path / "sandbox"
    hub = runtime.ready_sandbox(folder, port=0, story=False).hub
    hub.users.update(local_hub.users)
    yield hub
    runtime.close(folder)
