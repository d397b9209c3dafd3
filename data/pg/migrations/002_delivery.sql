-- Delivery state shared by every instance: subscriptions, rectification tasks, the outbox with
-- its per-robot pace, job slots (each reminder scan slot runs once) and leases (long connections).

CREATE TABLE subscriptions (
  group_id  text   PRIMARY KEY,
  regions   jsonb  NOT NULL,
  units     jsonb  NOT NULL
);

CREATE TABLE task_done (
  task_id  text        PRIMARY KEY,
  at       timestamptz NOT NULL,
  by_whom  text        NOT NULL
);

-- Reminder key (task id | step key) → when it was queued and for which groups.
CREATE TABLE reminders_sent (
  key     text        PRIMARY KEY,
  at      timestamptz NOT NULL,
  groups  jsonb       NOT NULL
);

-- Deadlines an admin set: scope 'round' (key = round key) or 'unit' (key = round key|unit key).
CREATE TABLE deadlines (
  scope  text   NOT NULL CHECK (scope IN ('round', 'unit')),
  key    text   NOT NULL,
  data   jsonb  NOT NULL,
  PRIMARY KEY (scope, key)
);

-- Every outgoing push (bot/outbox/schema.ts Entry). Sending instances claim a message by moving it
-- to 'sending' with a lease; a lease that runs out (the instance died) puts it back as uncertain.
CREATE TABLE outbox (
  seq          bigserial   UNIQUE,
  key          text        PRIMARY KEY,
  group_id     text        NOT NULL,
  kind         text        NOT NULL,
  reply        jsonb,
  items        text[]      NOT NULL DEFAULT '{}',
  status       text        NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'dead')),
  attempts     integer     NOT NULL DEFAULT 0,
  created_at   timestamptz NOT NULL,
  next_at      timestamptz NOT NULL,
  sent_at      timestamptz,
  uncertain    boolean     NOT NULL DEFAULT false,
  last_error   jsonb,
  dead         jsonb,
  lease_owner  text,
  lease_until  timestamptz
);
CREATE INDEX outbox_open ON outbox (group_id, seq) WHERE status IN ('pending', 'sending');
CREATE INDEX outbox_dead ON outbox (group_id, seq) WHERE status = 'dead';

-- Item keys a message covers (alert|round|failure|group …): a message whose items are all known
-- is not queued again.
CREATE TABLE outbox_items (
  item  text PRIMARY KEY,
  key   text NOT NULL REFERENCES outbox (key)
);

-- One row per robot (a digest of its webhook credential): locked while an instance claims the
-- robot's next message, so the pace below is counted by one claimer at a time across instances.
CREATE TABLE outbox_robots (
  robot         text PRIMARY KEY,
  paused_until  timestamptz
);

-- Every attempt per robot (failed ones count: the platform may have counted them).
CREATE TABLE outbox_attempts (
  robot  text        NOT NULL,
  at     timestamptz NOT NULL
);
CREATE INDEX outbox_attempts_robot_at ON outbox_attempts (robot, at);

-- A job slot claimed once across instances (the reminder scan of 09:05 runs on one instance).
CREATE TABLE job_slots (
  job      text        NOT NULL,
  slot     text        NOT NULL,
  owner    text        NOT NULL,
  at       timestamptz NOT NULL,
  PRIMARY KEY (job, slot)
);
