-- Site probing (issue 16, data/pg/probe-store.ts): per site and Shanghai day one row of counters
-- (a try adds to it, it is never a row per try), the latest reading of each site's homepage and
-- columns, and the warnings already announced. Rows older than 14 days are deleted at each flush.

CREATE TABLE probe_tallies (
  site_id     text        NOT NULL,
  day         date        NOT NULL,
  tries       integer     NOT NULL DEFAULT 0 CHECK (tries >= 0),
  failed      integer     NOT NULL DEFAULT 0 CHECK (failed >= 0),
  blocked     integer     NOT NULL DEFAULT 0 CHECK (blocked >= 0),
  -- Server time of the last change: instances reload only rows changed since they last looked.
  -- Not indexed, so adding to a counter stays a HOT update (no index entry per try).
  updated_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (site_id, day)
);

CREATE TABLE probe_readings (
  site_id     text        PRIMARY KEY,
  reading     jsonb       NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT clock_timestamp()
);

CREATE TABLE probe_announced (
  site_id  text  NOT NULL,
  rule     text  NOT NULL,
  level    text  NOT NULL,
  day      text  NOT NULL,
  PRIMARY KEY (site_id, rule)
);
