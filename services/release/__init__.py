"""A tier's release: the files, the card that describes them, and the checks before publishing.

- `bundle.build_plan(ds, plan, selections) -> {tier: Bundle}`: Parquet (or JSONL for download
  tiers) in the chat format TRL trains on (`convert`), the card, the manifest, a zip.
- `card`: `facts` (every number, computed from the tables), `render` (the owner's words and the
  Jinja template beside it), `image` (the coverage chart as PNG).
- `checks.runner.check_plan(...)`: personal data (`pii`), `leakage`, `duplicates`, `content`
  and `card_truth`, each pass / warn / block (`checks.report`).
- `errors.ReleaseError`: the package's error base.

Layer rule: imports `services.dataset`, `services.strategy` and `services.errors`.
"""
