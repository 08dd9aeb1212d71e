-- Browsing at 100,000 conversations (issue #23): the Supabase page's figures (how many conversations,
-- with content, approved, by enrichment status, per persona × arc with their quality) are computed by
-- PostgreSQL instead of pulling every conversation row through PostgREST.
--
-- One row per combination of what names a conversation (its key columns, the scaffolding snapshot's
-- keys and names, its foreign keys) and its states, with counts and quality sums: a few hundred rows
-- for any number of conversations. The studio resolves each group's keys with the same rules as a
-- single row's (services/supabase/rows.py), so the figures equal those of the rows.
-- `security_invoker`: the view reads `conversations` with the caller's rights, so its row level
-- security applies unchanged (PostgreSQL 15+, as Supabase runs). Apply after schema.sql.
CREATE OR REPLACE VIEW conversation_groups WITH (security_invoker = true) AS
SELECT
  md5(row(persona_key, emotional_arc_key, topic_key, persona_id, emotional_arc_id, training_topic_id,
          scaffolding_snapshot->>'persona_key', scaffolding_snapshot->>'emotional_arc_key',
          scaffolding_snapshot->>'training_topic_key', scaffolding_snapshot->>'persona_name',
          scaffolding_snapshot->>'emotional_arc', scaffolding_snapshot->>'training_topic',
          tier, status, enrichment_status, coalesce(enriched_file_path, '') <> '')::text) AS group_id,  -- unique: pages
  persona_key, emotional_arc_key, topic_key, persona_id, emotional_arc_id, training_topic_id,
  scaffolding_snapshot->>'persona_key' AS snapshot_persona,
  scaffolding_snapshot->>'emotional_arc_key' AS snapshot_arc,
  scaffolding_snapshot->>'training_topic_key' AS snapshot_topic,
  scaffolding_snapshot->>'persona_name' AS snapshot_persona_name,
  scaffolding_snapshot->>'emotional_arc' AS snapshot_arc_name,
  scaffolding_snapshot->>'training_topic' AS snapshot_topic_name,
  tier, status, enrichment_status,
  coalesce(enriched_file_path, '') <> '' AS with_content,
  count(*) AS conversations,
  count(quality_score) AS rated,
  coalesce(sum(quality_score), 0)::float8 AS quality_sum,
  coalesce(sum(turn_count), 0) AS turns
FROM conversations
GROUP BY 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17;

GRANT SELECT ON conversation_groups TO authenticated, service_role;
