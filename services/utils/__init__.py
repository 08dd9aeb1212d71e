"""Helpers with no knowledge of the dataset: `retrying` (bounded retries with backoff), `files`
(atomic writes).

Layer rule: imports nothing from `services`.
"""
