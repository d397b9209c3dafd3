-- Chat imports previewed and waiting for /apply or /cancel (data/pending-imports.ts): one per
-- (platform, chat, user), shared by every instance, so a preview on one instance is applied on
-- another and a restart loses none. `data` is the PendingImport as the lowdb store keeps it,
-- validated by the same zod schema on read; `expires_at` lets old ones be dropped by index.
CREATE TABLE pending_imports (
  platform    text        NOT NULL,
  chat        text        NOT NULL,
  user_id     text        NOT NULL,
  at          timestamptz NOT NULL,
  expires_at  timestamptz NOT NULL,
  data        jsonb       NOT NULL,
  PRIMARY KEY (platform, chat, user_id)
);
CREATE INDEX pending_imports_expires ON pending_imports (expires_at);
