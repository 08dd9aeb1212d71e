"""The built-in demo export: 242 seeded conversations in the `brightrun-lora-v4` format.

- `generator.demo_bytes(n, seed)`: the export's bytes, the same on every machine for a seed;
  `generator.cached_demo()`: the default dataset, built once per machine under `.cache/demo/`.
- `catalog`: the personas, emotional arcs, topics and phrase banks it draws from.

Layer rule: imports `services.utils` only (it writes the format; it does not read it).
"""
