"""The dataset: read an export in any valid layout, validate it, and say what it contains.

- `loader.load_dataset(source, name) -> LoadedDataset`: the one entry point. It reads
  (`reading`), detects the shape (`detect`), decodes typed (`decode`, with `repair` dropping bad
  optional values), extracts columns (`columns`, `tables`) and validates (`validation`).
- `schema`: the `brightrun-lora-v4` format as msgspec structs; `report`: `Finding`,
  `ValidationReport` and `LoadError`, the package's error base.
- `summary` (numpy only: the CLI's `stats`), `stats` (pandas frames for the charts),
  `search` (the Samples text index), `chat` (a pair as chat messages).

Layer rule: imports `services.errors` only.
"""
