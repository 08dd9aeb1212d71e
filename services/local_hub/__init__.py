"""A local Hugging Face Hub: the endpoints `huggingface_hub` calls to publish a dataset and read its
traction and feedback, over real HTTP, with real commit history.

One implementation serves two purposes: the tests' Hub (strict, so a bug users would meet on the
real Hub fails a test) and the product's sandbox (`services.sandbox.runtime`), where the owner
rehearses a release on 127.0.0.1 and nothing leaves the machine. No public emulator of the Hub
exists; each behaviour cites the client code or the docs it follows.

- `state`: accounts and tokens, repos and Spaces (every commit, tags, gating, threads, likers,
  access requests), LFS objects, collections; the hooks a host installs;
- `git`: blob ids, LFS pointers and rules, commit ids, trees;
- `rules`: the Hub's errors, rate-limit headers, page sizes, the card's YAML rules;
- `shapes`: the JSON of threads, likers, repo info, whoami;
- `request`: one request as a route sees it, and its reply;
- `routes/`: one module per group (repos and commits, LFS, Spaces, collections, community);
- `dispatch`: the routing table; `server`: HTTP plumbing; `extension`: routes a host adds.

Fault injection is the tests' (tests/support/hub_faults.py), installed through `LocalHub.interceptor`.

Layer rule: imports only `utils` (and huggingface_hub's own names for what the Hub expands); the
sandbox serves it, the tests stand it up, nothing else in `services/` knows it.
"""
