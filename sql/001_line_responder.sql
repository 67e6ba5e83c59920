-- line-responder store schema, version 1. Apply with migrate() or by hand (psql -f); replace
-- "public" with the schema you give createPostgresStore({ schema }).
CREATE TABLE IF NOT EXISTS "public".line_responder_events (
  event_id text PRIMARY KEY,
  expires_at bigint NOT NULL
);
CREATE TABLE IF NOT EXISTS "public".line_responder_reward_locks (
  reward_id text PRIMARY KEY
);
CREATE TABLE IF NOT EXISTS "public".line_responder_claims (
  id text PRIMARY KEY,
  reward_id text NOT NULL,
  user_id text NOT NULL,
  slot integer NOT NULL,
  event_id text NOT NULL,
  status text NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  attempt_epoch integer NOT NULL DEFAULT 0,
  reason text,
  sent_message_ids jsonb NOT NULL DEFAULT '[]',
  unconfirmed text,
  lease_until bigint NOT NULL DEFAULT 0,
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL,
  UNIQUE (reward_id, user_id, slot),
  UNIQUE (reward_id, event_id)
);
CREATE INDEX IF NOT EXISTS line_responder_claims_status ON "public".line_responder_claims (status, created_at, id);
