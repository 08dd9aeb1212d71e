"""Helpers with no knowledge of the dataset: `retrying` (bounded retries with backoff).

Layer rule: imports nothing from `services`.
"""
