-- The loop (issue #21): each release keeps what it held (counts, keys with their conversations,
-- quality), so the next release of its tier can say what is new. Apply after the earlier migrations.
ALTER TABLE dataset_releases ADD COLUMN IF NOT EXISTS summary JSONB;
