-- Leads from the landing pages of download tiers (issue #13). The page posts with the project's
-- anon (publishable) key, so the table is insert-only for `anon`: row level security on, an
-- explicit grant (new Supabase projects grant nothing by default), an insert policy with a check,
-- and no select, update or delete for anyone but the service role. Apply after schema.sql.
CREATE TABLE IF NOT EXISTS leads (
  id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  email TEXT NOT NULL CHECK (length(email) <= 254 AND email ~* '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$'),
  email_key TEXT GENERATED ALWAYS AS (lower(email)) STORED,
  name TEXT CHECK (name IS NULL OR length(name) <= 200),
  role TEXT CHECK (role IS NULL OR length(role) <= 100),
  delivery_consent BOOLEAN NOT NULL CHECK (delivery_consent),   -- the point of the form: it must be given
  marketing_consent BOOLEAN NOT NULL DEFAULT false,             -- separate, never pre-ticked
  consent_version TEXT NOT NULL CHECK (length(consent_version) BETWEEN 1 AND 40),  -- the wording shown
  space_id TEXT CHECK (space_id IS NULL OR length(space_id) <= 200),              -- where it came from
  tier TEXT NOT NULL DEFAULT '' CHECK (length(tier) <= 60),
  utm_source TEXT CHECK (utm_source IS NULL OR length(utm_source) <= 100),
  utm_medium TEXT CHECK (utm_medium IS NULL OR length(utm_medium) <= 100),
  utm_campaign TEXT CHECK (utm_campaign IS NULL OR length(utm_campaign) <= 100),
  UNIQUE (email_key, tier)
);

-- A second submission of the same email for the same tier is dropped without an error, so the
-- page answers the same either way (and never tells a visitor whether an address is known).
CREATE OR REPLACE FUNCTION leads_skip_duplicates() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM public.leads WHERE email_key = lower(NEW.email) AND tier = NEW.tier) THEN
    RETURN NULL;
  END IF;
  RETURN NEW;
END $$;
DROP TRIGGER IF EXISTS leads_skip_duplicates ON leads;
CREATE TRIGGER leads_skip_duplicates BEFORE INSERT ON leads FOR EACH ROW EXECUTE FUNCTION leads_skip_duplicates();

ALTER TABLE leads ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS "the landing page adds a lead" ON leads;
CREATE POLICY "the landing page adds a lead" ON leads FOR INSERT TO anon WITH CHECK (delivery_consent);
REVOKE ALL ON leads FROM anon, authenticated;
GRANT INSERT ON leads TO anon;
GRANT SELECT, INSERT, UPDATE, DELETE ON leads TO service_role;
