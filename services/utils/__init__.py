"""Helpers with no knowledge of the dataset: `retrying` (bounded retries with backoff), `files`
(atomic writes), `jsonl` (append-only logs), `untrusted` (text strangers wrote), `http_server` (the
threaded HTTP server the local Hub and the test gateway share).

Layer rule: imports nothing from `services`.
"""
