-- The public forms hold against strangers. Apply after the earlier migrations; it upgrades a database
-- that has them (tables and rows kept) and can be applied again.
--
-- The landing page's source, its publishable key and its endpoints are anyone's, so whatever it can
-- send, someone will send tampered. The database decides what is stored:
--
-- * anon may no longer INSERT into `leads` or `feedback`: it may only EXECUTE `submit_lead` and
--   `submit_feedback` (POST /rest/v1/rpc/NAME), SECURITY DEFINER functions with a fixed search_path
--   that take one submission per call (scalar arguments: a JSON array is no submission) and return
--   nothing, so a new address and a known one get the same answer;
-- * the function sets `id` and `created_at`; normalises every text (control and invisible format
--   characters dropped, Unicode whitespace collapsed to one space and trimmed) before checking its
--   length; accepts `space_id`, `tier`, `consent_version` and `role` only as a landing page the studio
--   published and has not retired (`landing_pages`, written by the studio with the service role);
-- * limits per client (the address Supabase's gateway appends to X-Forwarded-For; only a salted hash
--   is kept, for a minute) and per landing page, per minute, in `private.public_form_settings`;
--   past them PostgREST answers 429 (`PT429`) and nothing is stored. Only accepted tries count, so a
--   flood from one client, refused, does not use up the page's allowance for everyone else;
-- * the hidden `website` field (a honeypot people never see) is checked here too: a filled one is
--   answered as a success and stores nothing.
--
-- The same rules, in Python, are the sandbox's (services/funnel/submission.py); tests run one hostile
-- corpus against both (tests/funnel/test_public_forms.py).

CREATE SCHEMA IF NOT EXISTS private;  -- not in PostgREST's db-schemas: nothing here is reachable over HTTP
REVOKE ALL ON SCHEMA private FROM PUBLIC, anon, authenticated;

-- 1. The landing pages the studio published -------------------------------------------------------
CREATE TABLE IF NOT EXISTS landing_pages (
  space_id TEXT PRIMARY KEY CHECK (length(space_id) BETWEEN 3 AND 200),
  tier TEXT NOT NULL CHECK (length(tier) BETWEEN 1 AND 60),
  consent_version TEXT NOT NULL CHECK (length(consent_version) BETWEEN 1 AND 40),
  feedback_consent_version TEXT NOT NULL CHECK (length(feedback_consent_version) BETWEEN 1 AND 40),
  roles TEXT[] NOT NULL DEFAULT '{}',                 -- the choices the page's role select offers
  published_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  retired_at TIMESTAMPTZ                              -- set: the page stops accepting submissions
);
ALTER TABLE landing_pages ENABLE ROW LEVEL SECURITY;
REVOKE ALL ON landing_pages FROM anon, authenticated;
GRANT SELECT, INSERT, UPDATE, DELETE ON landing_pages TO service_role;

-- 2. The limits, and the tries of the last minute --------------------------------------------------
CREATE TABLE IF NOT EXISTS private.public_form_settings (
  only_row BOOLEAN PRIMARY KEY DEFAULT true CHECK (only_row),
  per_client_per_minute INT NOT NULL DEFAULT 5 CHECK (per_client_per_minute > 0),
  per_page_per_minute INT NOT NULL DEFAULT 60 CHECK (per_page_per_minute > 0),
  -- proxies of the deployment's own between the gateway and the client (a CDN in front): the client is
  -- the address this many places from the right of X-Forwarded-For. What the client sent itself sits
  -- to the left, so it never decides who it is.
  trusted_proxies INT NOT NULL DEFAULT 0 CHECK (trusted_proxies >= 0),
  salt TEXT NOT NULL DEFAULT (gen_random_uuid()::text || gen_random_uuid()::text)
);
INSERT INTO private.public_form_settings DEFAULT VALUES ON CONFLICT DO NOTHING;

CREATE TABLE IF NOT EXISTS private.public_form_tries (
  at TIMESTAMPTZ NOT NULL DEFAULT now(),
  client_hash TEXT NOT NULL,                          -- sha256(salt | address): never the address
  space_id TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS public_form_tries_client ON private.public_form_tries (client_hash, at);
CREATE INDEX IF NOT EXISTS public_form_tries_page ON private.public_form_tries (space_id, at);
CREATE INDEX IF NOT EXISTS public_form_tries_at ON private.public_form_tries (at);
REVOKE ALL ON ALL TABLES IN SCHEMA private FROM PUBLIC, anon, authenticated;
GRANT USAGE ON SCHEMA private TO service_role;
GRANT SELECT, UPDATE ON private.public_form_settings TO service_role;

-- 3. The rules ---------------------------------------------------------------------------------------
-- Text as a person typed it: C0/C1 controls (but the whitespace ones) and invisible format characters
-- (zero-width, bidirectional overrides, BOM) dropped; every run of whitespace, Unicode's included, one
-- space; trimmed. NULL when nothing is left.
CREATE OR REPLACE FUNCTION private.form_text(value TEXT) RETURNS TEXT
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog AS $$
  SELECT nullif(btrim(regexp_replace(
           regexp_replace(value, '[\u0001-\u0008\u000e-\u001f\u007f-\u0084\u0086-\u009f\u00ad\u061c\u180e'
                                 '\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]', '', 'g'),
           '[\u0009-\u000d\u0020\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+', ' ', 'g'),
         ' '), '')
$$;

CREATE OR REPLACE FUNCTION private.form_refuse(message TEXT) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog AS $$
BEGIN
  RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = message;  -- invalid_parameter_value: HTTP 400
END $$;

-- A text argument, normalised and within its limit (`required`: not empty).
CREATE OR REPLACE FUNCTION private.form_field(name TEXT, value TEXT, max_length INT, required BOOLEAN)
RETURNS TEXT LANGUAGE plpgsql SET search_path = pg_catalog AS $$
DECLARE
  clean TEXT := private.form_text(value);
BEGIN
  IF clean IS NULL AND required THEN
    PERFORM private.form_refuse(name || ' is required');
  END IF;
  IF length(clean) > max_length THEN
    PERFORM private.form_refuse(name || ' is longer than ' || max_length || ' characters');
  END IF;
  RETURN clean;
END $$;

CREATE OR REPLACE FUNCTION private.form_email(value TEXT, required BOOLEAN) RETURNS TEXT
LANGUAGE plpgsql SET search_path = pg_catalog AS $$
DECLARE
  clean TEXT := private.form_field('email', value, 254, required);
BEGIN
  IF clean IS NOT NULL AND clean !~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$' THEN
    PERFORM private.form_refuse('email is not an email address');
  END IF;
  RETURN clean;
END $$;

-- The landing page a submission names: published by the studio and not retired, or PT410 (HTTP 410).
CREATE OR REPLACE FUNCTION private.form_page(space_id TEXT, tier TEXT) RETURNS public.landing_pages
LANGUAGE plpgsql SET search_path = pg_catalog AS $$
DECLARE
  page public.landing_pages;
BEGIN
  SELECT * INTO page FROM public.landing_pages p
   WHERE p.space_id = private.form_text(form_page.space_id) AND p.retired_at IS NULL;
  IF NOT FOUND OR page.tier IS DISTINCT FROM private.form_text(form_page.tier) THEN
    RAISE EXCEPTION USING ERRCODE = 'PT410', MESSAGE = 'this landing page does not take submissions';
  END IF;
  RETURN page;
END $$;

-- One try of `space_id` from the client calling: refused with PT429 (HTTP 429) past a limit, else
-- counted. A refused try is rolled back with its request, so it counts against nobody.
CREATE OR REPLACE FUNCTION private.form_admit(space_id TEXT) RETURNS void
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog AS $$
DECLARE
  limits private.public_form_settings;
  hops TEXT[];
  client TEXT;
  who TEXT;
BEGIN
  SELECT * INTO STRICT limits FROM private.public_form_settings;
  hops := regexp_split_to_array(coalesce(
            nullif(current_setting('request.headers', true), '')::json ->> 'x-forwarded-for', ''), '\s*,\s*');
  client := hops[greatest(1, coalesce(array_length(hops, 1), 1) - limits.trusted_proxies)];
  who := encode(sha256(convert_to(limits.salt || '|' || coalesce(client, ''), 'UTF8')), 'hex');
  -- One client's tries, then one page's, in turn: parallel requests cannot both pass a count of N-1.
  PERFORM pg_advisory_xact_lock(hashtext('form client ' || who));
  PERFORM pg_advisory_xact_lock(hashtext('form page ' || form_admit.space_id));
  DELETE FROM private.public_form_tries t WHERE t.at < now() - interval '1 minute';
  IF (SELECT count(*) FROM private.public_form_tries t
       WHERE t.client_hash = who AND t.at >= now() - interval '1 minute')
     >= limits.per_client_per_minute
  OR (SELECT count(*) FROM private.public_form_tries t
       WHERE t.space_id = form_admit.space_id AND t.at >= now() - interval '1 minute')
     >= limits.per_page_per_minute THEN
    RAISE EXCEPTION USING ERRCODE = 'PT429', MESSAGE = 'too many tries, please wait a minute';
  END IF;
  INSERT INTO private.public_form_tries (client_hash, space_id) VALUES (who, form_admit.space_id);
END $$;

REVOKE ALL ON ALL FUNCTIONS IN SCHEMA private FROM PUBLIC, anon, authenticated;

-- 4. The two forms -----------------------------------------------------------------------------------
-- The lead form. The first submission of an address for a tier stands: a later one (the same person
-- again, or someone else with their address) stores nothing and is answered the same.
CREATE OR REPLACE FUNCTION public.submit_lead(
  email TEXT, delivery_consent BOOLEAN, consent_version TEXT, space_id TEXT, tier TEXT,
  name TEXT DEFAULT NULL, role TEXT DEFAULT NULL, marketing_consent BOOLEAN DEFAULT false,
  utm_source TEXT DEFAULT NULL, utm_medium TEXT DEFAULT NULL, utm_campaign TEXT DEFAULT NULL,
  website TEXT DEFAULT NULL)
RETURNS void LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  page public.landing_pages := private.form_page(submit_lead.space_id, submit_lead.tier);
  clean_email TEXT := private.form_email(submit_lead.email, true);
  clean_name TEXT := private.form_field('name', submit_lead.name, 200, false);
  clean_role TEXT := private.form_field('role', submit_lead.role, 100, false);
  clean_source TEXT := private.form_field('utm_source', submit_lead.utm_source, 100, false);
  clean_medium TEXT := private.form_field('utm_medium', submit_lead.utm_medium, 100, false);
  clean_campaign TEXT := private.form_field('utm_campaign', submit_lead.utm_campaign, 100, false);
BEGIN
  IF submit_lead.delivery_consent IS NOT TRUE THEN
    PERFORM private.form_refuse('delivery_consent must be given: it is what the form is for');
  END IF;
  IF private.form_text(submit_lead.consent_version) IS DISTINCT FROM page.consent_version THEN
    PERFORM private.form_refuse('consent_version is not the wording this page shows');
  END IF;
  IF clean_role IS NOT NULL AND NOT clean_role = ANY (page.roles) THEN
    PERFORM private.form_refuse('role is not one the page offers');
  END IF;
  PERFORM private.form_admit(page.space_id);
  IF private.form_text(submit_lead.website) IS NOT NULL THEN
    RETURN;  -- the honeypot: answered as a success, nothing stored
  END IF;
  INSERT INTO public.leads (email, name, role, delivery_consent, marketing_consent, consent_version, space_id,
                            tier, utm_source, utm_medium, utm_campaign)
  VALUES (clean_email, clean_name, clean_role, true, coalesce(submit_lead.marketing_consent, false),
          page.consent_version, page.space_id, page.tier, clean_source, clean_medium, clean_campaign)
  ON CONFLICT ON CONSTRAINT leads_email_key_tier_key DO NOTHING;
END $$;

-- The feedback form: a suggestion, and an address only with the consent to write back to it.
CREATE OR REPLACE FUNCTION public.submit_feedback(
  message TEXT, space_id TEXT, tier TEXT, email TEXT DEFAULT NULL, contact_consent BOOLEAN DEFAULT false,
  consent_version TEXT DEFAULT NULL, website TEXT DEFAULT NULL)
RETURNS void LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  page public.landing_pages := private.form_page(submit_feedback.space_id, submit_feedback.tier);
  clean_message TEXT := private.form_field('message', submit_feedback.message, 1000, true);
  clean_email TEXT := private.form_email(submit_feedback.email, false);
  consent BOOLEAN := coalesce(submit_feedback.contact_consent, false);
BEGIN
  IF clean_email IS NOT NULL AND NOT consent THEN
    PERFORM private.form_refuse('email is kept only with contact_consent');
  END IF;
  IF consent AND private.form_text(submit_feedback.consent_version) IS DISTINCT FROM page.feedback_consent_version
  THEN
    PERFORM private.form_refuse('consent_version is not the wording this page shows');
  END IF;
  PERFORM private.form_admit(page.space_id);
  IF private.form_text(submit_feedback.website) IS NOT NULL THEN
    RETURN;  -- the honeypot
  END IF;
  INSERT INTO public.feedback (message, email, contact_consent, consent_version, space_id, tier)
  VALUES (clean_message, clean_email, consent AND clean_email IS NOT NULL,
          CASE WHEN consent AND clean_email IS NOT NULL THEN page.feedback_consent_version END,
          page.space_id, page.tier);
END $$;

REVOKE ALL ON FUNCTION public.submit_lead(TEXT, BOOLEAN, TEXT, TEXT, TEXT, TEXT, TEXT, BOOLEAN, TEXT, TEXT, TEXT, TEXT)
  FROM PUBLIC;
REVOKE ALL ON FUNCTION public.submit_feedback(TEXT, TEXT, TEXT, TEXT, BOOLEAN, TEXT, TEXT) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.submit_lead(TEXT, BOOLEAN, TEXT, TEXT, TEXT, TEXT, TEXT, BOOLEAN, TEXT, TEXT, TEXT,
                                             TEXT) TO anon;
GRANT EXECUTE ON FUNCTION public.submit_feedback(TEXT, TEXT, TEXT, TEXT, BOOLEAN, TEXT, TEXT) TO anon;

-- 5. No more direct writes from the page -------------------------------------------------------------
DROP POLICY IF EXISTS "the landing page adds a lead" ON leads;
DROP POLICY IF EXISTS "the landing page adds feedback" ON feedback;
REVOKE INSERT ON leads FROM anon;
REVOKE INSERT ON feedback FROM anon;
DROP TRIGGER IF EXISTS leads_skip_duplicates ON leads;  -- submit_lead's ON CONFLICT says it now
DROP FUNCTION IF EXISTS leads_skip_duplicates();

NOTIFY pgrst, 'reload schema';  -- PostgREST serves the new functions without a restart
