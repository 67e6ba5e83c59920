-- line-responder store schema, version 2: an event is 'processing' (expires_at is its lease) until
-- its work is recorded, then 'done' (expires_at is the end of deduplication).
ALTER TABLE "public".line_responder_events ADD COLUMN IF NOT EXISTS state text NOT NULL DEFAULT 'done';
