-- line-responder D1 store schema: 0001_line_responder.sql. Apply with `wrangler d1 migrations apply`
-- (migrations_dir = "node_modules/line-responder/sql/d1") or with store.migrate().
CREATE TABLE IF NOT EXISTS line_responder_events (
  event_id TEXT PRIMARY KEY,
  state TEXT NOT NULL,
  holder TEXT,
  expires_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS line_responder_events_expiry ON line_responder_events (expires_at);
CREATE TABLE IF NOT EXISTS line_responder_claims (
  id TEXT PRIMARY KEY,
  reward_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  slot INTEGER NOT NULL,
  event_id TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  attempt_epoch INTEGER NOT NULL DEFAULT 0,
  reason TEXT,
  sent_message_ids TEXT NOT NULL DEFAULT '[]',
  unconfirmed TEXT,
  lease_until INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (reward_id, user_id, slot),
  UNIQUE (reward_id, event_id)
);
CREATE INDEX IF NOT EXISTS line_responder_claims_status ON line_responder_claims (status, created_at, id);
