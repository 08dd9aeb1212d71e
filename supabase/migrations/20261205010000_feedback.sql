-- The loop (issue #21): what people say about a release. Apply after the earlier migrations.
--
-- 1. The landing Space's feedback form ("what would you like to see next?"). The page posts with the
--    project's anon (publishable) key, as the lead form does: row level security on, an explicit
--    grant of INSERT to anon and nothing else (no select, update or delete), CHECK constraints on
--    every length and on the optional email's shape; an email only with its own consent.
CREATE TABLE IF NOT EXISTS feedback (
  id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  message TEXT NOT NULL CHECK (length(btrim(message)) BETWEEN 1 AND 1000),
  email TEXT CHECK (email IS NULL OR (length(email) <= 254 AND email ~* '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$')),
  contact_consent BOOLEAN NOT NULL DEFAULT false,               -- may we write back to this address
  consent_version TEXT CHECK (consent_version IS NULL OR length(consent_version) BETWEEN 1 AND 40),
  space_id TEXT CHECK (space_id IS NULL OR length(space_id) <= 200),
  tier TEXT NOT NULL DEFAULT '' CHECK (length(tier) <= 60),
  CHECK (email IS NULL OR contact_consent),                     -- no address kept without its consent
  CHECK (NOT contact_consent OR consent_version IS NOT NULL)    -- a consent records the wording it agreed to
);
ALTER TABLE feedback ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS "the landing page adds feedback" ON feedback;
CREATE POLICY "the landing page adds feedback" ON feedback FOR INSERT TO anon WITH CHECK (true);
REVOKE ALL ON feedback FROM anon, authenticated;
GRANT INSERT ON feedback TO anon;
GRANT SELECT, INSERT, UPDATE, DELETE ON feedback TO service_role;

-- 2. When the studio first saw each liker of a repo: the Hub lists likers without a time.
CREATE TABLE IF NOT EXISTS liker_sightings (
  id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  first_seen TIMESTAMPTZ NOT NULL DEFAULT now(),
  repo_id TEXT NOT NULL CHECK (length(repo_id) <= 200),
  username TEXT NOT NULL CHECK (length(username) <= 100),
  UNIQUE (repo_id, username)
);
ALTER TABLE liker_sightings ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS "signed-in users read" ON liker_sightings;
CREATE POLICY "signed-in users read" ON liker_sightings FOR SELECT TO authenticated USING (true);
DROP POLICY IF EXISTS "signed-in users record" ON liker_sightings;
CREATE POLICY "signed-in users record" ON liker_sightings FOR INSERT TO authenticated WITH CHECK (true);
GRANT SELECT, INSERT ON liker_sightings TO authenticated, service_role;
