-- Sign-in attempts slow down instead of locking (issue 10): next_at is the
-- instant (unix milliseconds) before which the scope's next attempt is
-- refused, 0 when none is. For the "account:" and "address:" scopes
-- window_start is now the instant of the last failure, and failures resets
-- once a whole window passes without one; "pin:" scopes keep their fixed
-- window and leave next_at at 0.
ALTER TABLE attempt_failures ADD COLUMN next_at BIGINT NOT NULL DEFAULT 0;
