"""Lead Magnet Studio services: all the logic, none of the UI.

Sub-packages, each with one concern, in the order data flows through them:

- `dataset`   read an export (any layout), validate it, summarise it.
- `demo`      generate the built-in demo export (no credentials, no network).
- `strategy`  plans, presets, seeded tier selection, the comparison, the recommendation, what-ifs.
- `release`   a tier's files: chat-format Parquet, the dataset card, the manifest, the checks.
- `supabase`  the production database and storage as a dataset source.
- `hub`       dry run, atomic publish, the release record, traction, who may publish.
- `marketing` the decision brief, and a share kit per conversation (image, excerpt, viewer link).
- `funnel`    the download tier's landing page and its lead form (issue #13, in progress).
- `cli`       `python -m services.cli`: the same steps from a terminal.
- `utils`     retrying with backoff, shared by `hub` and `supabase`.

Layer rule: nothing under `services` imports Streamlit; a package imports only the packages
listed before it in its own docstring (`tests/test_layers.py` holds the rule). Every failure is
a `services.errors.StudioError`, one base class per package.
"""

__version__ = "0.1.0"
