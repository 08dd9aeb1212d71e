-- Funnel, second part (issue #13): what the studio keeps over time. Apply after the earlier migrations.
--
-- 1. A release may be a dataset repo or a download tier's landing Space.
ALTER TABLE dataset_releases ADD COLUMN IF NOT EXISTS repo_type TEXT NOT NULL DEFAULT 'dataset'
  CHECK (repo_type IN ('dataset', 'space'));

-- 2. Traction snapshots: the Hub keeps no history of downloads (30 days and all time only), so the
--    studio stores what it read, per repo, each time it reads it (Traction page, or
--    `python -m services.cli traction snapshot` from a daily scheduler).
CREATE TABLE IF NOT EXISTS traction_snapshots (
  id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  taken_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  repo_id TEXT NOT NULL CHECK (length(repo_id) <= 200),
  repo_type TEXT NOT NULL DEFAULT 'dataset' CHECK (repo_type IN ('dataset', 'space')),
  tier TEXT CHECK (tier IS NULL OR length(tier) <= 60),
  downloads INTEGER CHECK (downloads >= 0),                  -- the Hub's last 30 days
  downloads_all_time INTEGER CHECK (downloads_all_time >= 0),
  likes INTEGER CHECK (likes >= 0),
  requests_pending INTEGER CHECK (requests_pending >= 0),    -- gated repos only
  requests_accepted INTEGER CHECK (requests_accepted >= 0),
  requests_rejected INTEGER CHECK (requests_rejected >= 0),
  landing_leads INTEGER CHECK (landing_leads >= 0),          -- landing Spaces only
  marketing_consents INTEGER CHECK (marketing_consents >= 0)
);
CREATE INDEX IF NOT EXISTS idx_traction_snapshots_repo_time ON traction_snapshots (repo_id, taken_at);
ALTER TABLE traction_snapshots ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS "signed-in users read" ON traction_snapshots;
CREATE POLICY "signed-in users read" ON traction_snapshots FOR SELECT TO authenticated USING (true);
DROP POLICY IF EXISTS "signed-in users record" ON traction_snapshots;
CREATE POLICY "signed-in users record" ON traction_snapshots FOR INSERT TO authenticated WITH CHECK (true);
GRANT SELECT, INSERT ON traction_snapshots TO authenticated, service_role;

-- 3. Decisions on access requests of `manual` gated repos, taken from the Leads page: who decided
--    what, why (the reason is shown to the requester by the Hub, at most 200 characters), and
--    whether the Hub took it. Personal data (a Hub username): no access for anon.
CREATE TABLE IF NOT EXISTS access_decisions (
  id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  decided_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  actor TEXT NOT NULL,
  repo_id TEXT NOT NULL,
  username TEXT,                                             -- NULL when the repo hides usernames
  request_id TEXT,
  decision TEXT NOT NULL CHECK (decision IN ('accepted', 'rejected')),
  reason TEXT CHECK (reason IS NULL OR length(reason) <= 200),
  outcome TEXT NOT NULL CHECK (outcome IN ('done', 'failed')),
  message TEXT NOT NULL DEFAULT ''
);
ALTER TABLE access_decisions ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS "signed-in users read" ON access_decisions;
CREATE POLICY "signed-in users read" ON access_decisions FOR SELECT TO authenticated USING (true);
DROP POLICY IF EXISTS "signed-in users record" ON access_decisions;
CREATE POLICY "signed-in users record" ON access_decisions FOR INSERT TO authenticated WITH CHECK (true);
GRANT SELECT, INSERT ON access_decisions TO authenticated, service_role;
