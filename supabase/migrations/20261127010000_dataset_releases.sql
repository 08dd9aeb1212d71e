-- Release history of Lead Magnet Studio: one row per publish attempt (published, up to date,
-- refused by the checks, or failed). The studio's only table of its own; it never writes to the
-- platform's tables. Apply after schema.sql (`psql -f`, or the Supabase SQL editor).
CREATE TABLE IF NOT EXISTS dataset_releases (
  id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  released_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  actor TEXT NOT NULL,                        -- signed-in email, or the Hub account
  tier TEXT NOT NULL,                         -- 'preview', 'eq-100', 'full'
  repo_id TEXT NOT NULL,                      -- ORG/NAME on the Hub
  outcome TEXT NOT NULL CHECK (outcome IN ('published', 'up_to_date', 'refused', 'failed')),
  commit_sha TEXT,
  tag TEXT,                                   -- 'v1', 'v2', ...
  url TEXT,
  plan_name TEXT,
  plan_sha256 TEXT,
  conversations INTEGER,
  supervised_examples INTEGER,
  overrides JSONB NOT NULL DEFAULT '[]',      -- checks overridden, with who and why
  message TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS idx_dataset_releases_released_at ON dataset_releases (released_at DESC);

ALTER TABLE dataset_releases ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS "signed-in users read" ON dataset_releases;
CREATE POLICY "signed-in users read" ON dataset_releases FOR SELECT TO authenticated USING (true);
DROP POLICY IF EXISTS "signed-in users record" ON dataset_releases;
CREATE POLICY "signed-in users record" ON dataset_releases FOR INSERT TO authenticated WITH CHECK (true);
GRANT SELECT, INSERT ON dataset_releases TO authenticated, service_role;
