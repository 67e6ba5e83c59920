-- line-responder store schema, version 2: an event is 'processing' (expires_at is its lease) until
-- its work is recorded, then 'done' (expires_at is the end of deduplication).
ALTER TABLE "public".line_responder_events ADD COLUMN IF NOT EXISTS state text NOT NULL DEFAULT 'done';
-- Claims page in (created_at, id) byte order, whole or by reward or user.
CREATE INDEX IF NOT EXISTS line_responder_claims_order ON "public".line_responder_claims (created_at, id COLLATE "C");
CREATE INDEX IF NOT EXISTS line_responder_claims_reward ON "public".line_responder_claims (reward_id, created_at, id COLLATE "C");
CREATE INDEX IF NOT EXISTS line_responder_claims_user ON "public".line_responder_claims (user_id);
