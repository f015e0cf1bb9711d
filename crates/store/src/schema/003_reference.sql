-- The reference a session's angles are measured against (neutral, trunk, gravity, camera,
-- none), from its results: with the task and the source it says which sessions measure the
-- same thing and can be compared over time (a clinic visit, not a home exercise).
ALTER TABLE sessions ADD COLUMN reference TEXT NOT NULL DEFAULT '';
UPDATE sessions SET reference = COALESCE({reference_of_results}, '');
