-- The InspectionStore in PostgreSQL (data/pg/store.ts): the register, rounds, small state, inbound
-- message ids (redelivery dedupe), DingTalk signatures (replay guard) and the audit trail.
-- Bulk documents are jsonb validated by the same zod schemas as the lowdb files (data/schema.ts);
-- `rev` (one sequence for all) lets every instance reload only what changed since it last looked.

CREATE SEQUENCE store_rev;

-- Regions, units, sites and accounts, each upserted by id; `ord` keeps the order of first arrival.
CREATE TABLE register_items (
  kind  text   NOT NULL CHECK (kind IN ('region', 'unit', 'site', 'account')),
  id    text   NOT NULL,
  ord   bigint NOT NULL,
  rev   bigint NOT NULL,
  data  jsonb  NOT NULL,
  PRIMARY KEY (kind, id)
);
CREATE SEQUENCE register_ord;
CREATE INDEX register_items_rev ON register_items (rev);

-- One row per round (`2020Q1@35`): the whole round file. `canonical` is the comparison form
-- (import time blanked, keys sorted) so re-importing the same round writes nothing.
CREATE TABLE rounds (
  key        text   PRIMARY KEY,
  rev        bigint NOT NULL,
  canonical  text   NOT NULL,
  data       jsonb  NOT NULL
);
CREATE INDEX rounds_rev ON rounds (rev);

-- Small named documents: `state` (the last import), each validated on read.
CREATE TABLE documents (
  name  text   PRIMARY KEY,
  rev   bigint NOT NULL,
  data  jsonb  NOT NULL
);

-- Inbound message ids handled in the last 48 hours; INSERT … ON CONFLICT decides which of two
-- instances answers a redelivered message.
CREATE TABLE seen_messages (
  key      text        PRIMARY KEY,
  seen_at  timestamptz NOT NULL
);
CREATE INDEX seen_messages_at ON seen_messages (seen_at);

-- DingTalk HTTP signatures: a (timestamp, sign) pair is bound to the first message it carried.
CREATE TABLE dingtalk_signs (
  sign     text        PRIMARY KEY,
  msg_id   text        NOT NULL,
  seen_at  timestamptz NOT NULL
);
CREATE INDEX dingtalk_signs_at ON dingtalk_signs (seen_at);

-- Who changed the data, when, and what (imports of rounds and registers).
CREATE TABLE audit (
  id      bigserial   PRIMARY KEY,
  at      timestamptz NOT NULL,
  action  text        NOT NULL,
  detail  jsonb       NOT NULL DEFAULT '{}'
);
