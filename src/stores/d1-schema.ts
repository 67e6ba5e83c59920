/**
 * The D1 store's tables, one statement per string: D1's `exec()` splits its input at line
 * breaks, so `migrate()` runs these as prepared statements in one `batch()` (one transaction).
 * `sql/d1/0001_line_responder.sql` is the same text for `wrangler d1 migrations apply`; a test
 * keeps the two equal.
 */

/** Migration files, in order: their name under `sql/d1/` and their statements. */
export const D1_MIGRATIONS: readonly { name: string; statements: readonly string[] }[] = [
  {
    name: "0001_line_responder.sql",
    statements: [
      // An event is 'processing' while `holder` (one delivery's random token) works on it, until
      // `expires_at` (its lease); then 'done', and `expires_at` ends its deduplication.
      `CREATE TABLE IF NOT EXISTS line_responder_events (
  event_id TEXT PRIMARY KEY,
  state TEXT NOT NULL,
  holder TEXT,
  expires_at INTEGER NOT NULL
)`,
      // Retention deletes expired ids oldest first.
      "CREATE INDEX IF NOT EXISTS line_responder_events_expiry ON line_responder_events (expires_at)",
      // The two unique keys are the exactly-once promise: one claim per (reward, user, slot) and
      // per (reward, event). The first also serves the per-user and stock counts.
      `CREATE TABLE IF NOT EXISTS line_responder_claims (
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
)`,
      // Backfill reads claims by status, oldest first.
      "CREATE INDEX IF NOT EXISTS line_responder_claims_status ON line_responder_claims (status, created_at, id)",
    ],
  },
];

/** The text of one shipped migration file, as `sql/d1/<name>` holds it. */
export function d1MigrationFile(migration: (typeof D1_MIGRATIONS)[number]): string {
  return `-- line-responder D1 store schema: ${migration.name}. Apply with \`wrangler d1 migrations apply\`
-- (migrations_dir = "node_modules/line-responder/sql/d1") or with store.migrate().
${migration.statements.map((statement) => `${statement};\n`).join("")}`;
}
