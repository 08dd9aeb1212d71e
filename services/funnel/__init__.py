"""The funnel (issue #13, in progress): the landing page a download tier's visitors fill in.

- `landing.landing_page(...) -> str`: a static page (HTML, CSS and a little JS, no build step) that
  says what the file holds, shows one conversation, and posts the form to Supabase's `leads` table
  with the project's publishable (anon) key — never the service-role key.

Layer rule: imports `services.dataset`, `services.strategy`, `services.release`, `services.marketing`,
`services.supabase`, `services.utils` and `services.errors`.
"""
