"""The funnel: the pages that capture leads, and what they gathered.

- `landing.landing_page(...)`: a static page (HTML, CSS, a little JS, no build step) that says
  what the file holds, shows one conversation, and calls Supabase's `submit_lead` /
  `submit_feedback` functions with the project's publishable (anon) key — never any other key.
- `submission`: what a visitor's call may store (the database functions' rules, in Python: the
  sandbox's endpoints apply them); `landing_pages`: the pages the studio published, the only ones
  whose forms take submissions, recorded before a landing Space goes out.
- `space.space_files(zip, ...)`: a download tier's landing Space (the page, its configuration, the
  zip), built from the released zip alone.
- `leads.read_leads(session)`: the landing leads, for the service role only; `ledger.build(...)`:
  Hub access requests and landing leads, one row per person; `sources`: both read together for
  every published repo; `stages`: the funnel of the current release.

Layer rule: imports `services.dataset`, `services.strategy`, `services.release`, `services.marketing`,
`services.supabase`, `services.hub`, `services.utils` and `services.errors`.
"""
