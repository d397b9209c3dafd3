-- Sent messages keep their text for a week (bot/outbox/queue.ts KEEP_SENT_TEXT_MS), then only their
-- key and items: PgOutbox.markSent drops older texts, found through this index rather than a scan
-- of every message ever sent.
CREATE INDEX outbox_sent_text ON outbox (sent_at) WHERE status = 'sent' AND reply IS NOT NULL;
