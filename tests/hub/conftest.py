"""Every Hub test here runs on both local Hubs: the tests' and the sandbox's (tests/support/both_hubs.py)."""

from tests.support import both_hubs

local_hub = both_hubs.local_hub
