"""The sandbox: a local Hub on 127.0.0.1 with a seeded, obviously fictional story, so every page shows
what it does with no token, and the owner can rehearse a release where nothing leaves the machine.

- the local Hub itself is `services.local_hub` (the same code the tests' Hub is), over real HTTP;
- `hub_state`: its state on disk (`.sandbox/`), so a rehearsal survives a restart;
- `forms`: the form functions the landing pages call, with production's rules
  (`funnel.submission`), answered as PostgREST answers, kept in `.sandbox/`;
- `story`: the seeded story (two releases, three weeks of traction, leads, feedback);
- `runtime`: start, attach to, reset and stop the sandbox; its settings and records.

Layer rule: may import `dataset`, `demo`, `strategy`, `release`, `marketing`, `hub`, `funnel`, `feedback`,
`records`, `supabase`, `local_hub` and `utils`; never Streamlit.
"""
