"""Supabase as a dataset source: the production tables and storage, read with supabase-py.

- `config`: settings from secrets or the environment (the key never shown); `client`: a
  session with timeouts and retries; `tables.fetch_all`: paged reads; `storage`: file downloads.
- `source`: training files and conversations as a `LoadedDataset` (`load_target`);
  `rows`: the typed table rows; `consistency`: a database row against its JSON.
- `errors.SupabaseError`: the package's error base (a `LoadError`: a failed read is a failed load).

Layer rule: imports `services.dataset` and `services.utils`.
"""
