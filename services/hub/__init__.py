"""The Hugging Face Hub: publish a tier, record the attempt, read what came of it.

- `config`: the token and endpoint (never shown); `api`: the client, one retried request,
  who the token acts as; `errors.HubError`: the package's error base, in words.
- `dry_run`: what publishing would change; `publish`: one atomic, idempotent commit to a dataset
  repo or a landing Space, settings ordered so new content is never less protected than planned;
  `flow.attempt`: refuse, publish, group in the plan's collection (`collection`), record, shared by
  the page and the CLI; `history`: the release record (Supabase or JSONL).
- `traction`: downloads, likes, discussions; `requests`: access requests in every list, and the
  owner's decisions on them; `snapshots`: traction kept over time; `access`: roles, who may do
  what; `sign_in`: the sign-in's configuration and provider, checked before anyone clicks.

Layer rule: imports `services.release`, `services.strategy`, `services.supabase`,
`services.dataset`, `services.utils` and `services.errors`.
"""
