// Schema version 3: the audit chain's columns, session claims, cartridges per session, pass contact time, permanent records.

/**
 * NOTE: S16: the triggers make every record row permanent (no DELETE) and its identity fixed
 * (who, when, which mode, patch test or not). They stop mistakes, not a determined editor, who can
 * drop them: the schema check at open and the chain catch that.
 */
export const V3_SQL = `
ALTER TABLE audit_log ADD COLUMN rows_json TEXT;
ALTER TABLE audit_log ADD COLUMN chain_hash TEXT;
ALTER TABLE passes ADD COLUMN contact_ms INTEGER CHECK (contact_ms >= 0);
CREATE TABLE session_claims (
  claim_id INTEGER PRIMARY KEY,
  client_id TEXT NOT NULL REFERENCES clients (client_id),
  session_id INTEGER REFERENCES sessions (session_id),
  holder_json TEXT NOT NULL,
  claimed_at INTEGER NOT NULL,
  released_at INTEGER,
  release_reason TEXT,
  CHECK ((released_at IS NULL) = (release_reason IS NULL))
) STRICT;
CREATE UNIQUE INDEX session_claims_one_live ON session_claims (client_id) WHERE released_at IS NULL;
CREATE TABLE session_cartridges (
  session_id INTEGER NOT NULL REFERENCES sessions (session_id),
  cartridge_id INTEGER NOT NULL CHECK (cartridge_id BETWEEN 1 AND 4294967295),
  attached_at INTEGER NOT NULL,
  PRIMARY KEY (session_id, cartridge_id)
) STRICT;
INSERT INTO session_cartridges (session_id, cartridge_id, attached_at)
  SELECT session_id, cartridge_id, started_at FROM sessions WHERE cartridge_id IS NOT NULL;
CREATE TRIGGER clients_no_delete BEFORE DELETE ON clients
  BEGIN SELECT RAISE(ABORT, 'a client record is permanent'); END;
CREATE TRIGGER clients_identity_fixed BEFORE UPDATE OF client_id, created_at ON clients
  BEGIN SELECT RAISE(ABORT, 'a client identity never changes'); END;
CREATE TRIGGER screenings_final BEFORE UPDATE ON screenings
  BEGIN SELECT RAISE(ABORT, 'a screening record is final'); END;
CREATE TRIGGER screenings_no_delete BEFORE DELETE ON screenings
  BEGIN SELECT RAISE(ABORT, 'a screening record is permanent'); END;
CREATE TRIGGER sessions_no_delete BEFORE DELETE ON sessions
  BEGIN SELECT RAISE(ABORT, 'a session record is permanent'); END;
CREATE TRIGGER sessions_identity_fixed
  BEFORE UPDATE OF session_id, client_id, mode, is_patch_test, cartridge_id, plan_json, started_at ON sessions
  BEGIN SELECT RAISE(ABORT, 'a session identity never changes'); END;
CREATE TRIGGER sessions_ended_final BEFORE UPDATE ON sessions WHEN OLD.ended_at IS NOT NULL
  BEGIN SELECT RAISE(ABORT, 'an ended session is final'); END;
CREATE TRIGGER session_areas_no_delete BEFORE DELETE ON session_areas
  BEGIN SELECT RAISE(ABORT, 'a planned area is permanent'); END;
CREATE TRIGGER session_areas_plan_fixed
  BEFORE UPDATE OF session_id, area, position, depth_um, stroke_hz, pass_limit ON session_areas
  BEGIN SELECT RAISE(ABORT, 'a planned area never changes'); END;
CREATE TRIGGER passes_counts_grow BEFORE UPDATE OF strokes, punctures, contact_ms ON passes
  WHEN NEW.strokes < OLD.strokes OR NEW.punctures < OLD.punctures OR NEW.contact_ms < OLD.contact_ms
  BEGIN SELECT RAISE(ABORT, 'pass counts only grow'); END;
CREATE TRIGGER cartridges_final BEFORE UPDATE ON cartridges
  BEGIN SELECT RAISE(ABORT, 'a cartridge record is final'); END;
CREATE TRIGGER cartridges_no_delete BEFORE DELETE ON cartridges
  BEGIN SELECT RAISE(ABORT, 'a used cartridge stays used'); END;
CREATE TRIGGER faults_final BEFORE UPDATE ON faults
  BEGIN SELECT RAISE(ABORT, 'a fault record is final'); END;
CREATE TRIGGER faults_no_delete BEFORE DELETE ON faults
  BEGIN SELECT RAISE(ABORT, 'a fault record is permanent'); END;
CREATE TRIGGER refusals_final BEFORE UPDATE ON refusals
  BEGIN SELECT RAISE(ABORT, 'a refusal record is final'); END;
CREATE TRIGGER refusals_no_delete BEFORE DELETE ON refusals
  BEGIN SELECT RAISE(ABORT, 'a refusal record is permanent'); END;
CREATE TRIGGER patch_tests_final BEFORE UPDATE ON patch_tests
  BEGIN SELECT RAISE(ABORT, 'a patch test record is final'); END;
CREATE TRIGGER patch_tests_no_delete BEFORE DELETE ON patch_tests
  BEGIN SELECT RAISE(ABORT, 'a patch test record is permanent'); END;
CREATE TRIGGER session_claims_no_delete BEFORE DELETE ON session_claims
  BEGIN SELECT RAISE(ABORT, 'a session claim is released, never deleted'); END;
CREATE TRIGGER session_claims_identity_fixed
  BEFORE UPDATE OF claim_id, client_id, holder_json, claimed_at ON session_claims
  BEGIN SELECT RAISE(ABORT, 'a session claim identity never changes'); END;
CREATE TRIGGER session_claims_released_final BEFORE UPDATE ON session_claims WHEN OLD.released_at IS NOT NULL
  BEGIN SELECT RAISE(ABORT, 'a released claim is final'); END;
CREATE TRIGGER session_cartridges_final BEFORE UPDATE ON session_cartridges
  BEGIN SELECT RAISE(ABORT, 'a session cartridge record is final'); END;
CREATE TRIGGER session_cartridges_no_delete BEFORE DELETE ON session_cartridges
  BEGIN SELECT RAISE(ABORT, 'a session cartridge record is permanent'); END;
`;
