-- The DingTalk replay guard keeps its signature bindings among the seen message ids
-- (data/replay.ts, through InspectionStore.markSeen), the same for every store; its own table
-- from 001 is no longer used.
DROP TABLE dingtalk_signs;
