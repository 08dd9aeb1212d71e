-- One story, one plan: each release keeps the whole plan that made it, so the Strategy page opens on the
-- plan of the newest release (not on a preset that contradicts what is out). Apply after the earlier
-- migrations.
ALTER TABLE dataset_releases ADD COLUMN IF NOT EXISTS plan JSONB;
