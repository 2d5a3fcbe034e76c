// Record schema and its migrations, versioned by SQLite's user_version.
import { DEPTH_RANGE_UM, MAX_PASSES_PER_AREA, STROKE_RANGE_HZ } from '../limits/index.js';
import { V3_SQL } from './schema-v3.js';

/** `PRAGMA application_id` of an mnpen store: "MNPN". A file with another id is not ours. */
export const STORE_APPLICATION_ID = 0x4d4e504e;

export const SESSION_OUTCOMES = ['completed', 'fault', 'refused', 'emergencyStop', 'aborted', 'interrupted'] as const;
export type SessionOutcome = (typeof SESSION_OUTCOMES)[number];

const outcomeList = SESSION_OUTCOMES.map((outcome) => `'${outcome}'`).join(', ');

export interface Migration {
  /** The user_version this migration produces. */
  readonly version: number;
  readonly summary: string;
  readonly sql: string;
  /** Tables that exist once the store is at this version (checked on open). */
  readonly tables: readonly string[];
}

const V1_TABLES = [
  'clients',
  'screenings',
  'sessions',
  'session_areas',
  'passes',
  'cartridges',
  'faults',
  'refusals',
  'audit_log',
];

/** Never edit a released migration: add a new one. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    summary: 'clients, screenings, sessions, areas, passes, cartridges, faults, refusals, audit log',
    tables: V1_TABLES,
    sql: `
CREATE TABLE clients (
  client_id TEXT PRIMARY KEY CHECK (length(client_id) BETWEEN 1 AND 64),
  birth_year INTEGER NOT NULL CHECK (birth_year BETWEEN 1900 AND 9999),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE TABLE screenings (
  screening_id INTEGER PRIMARY KEY,
  client_id TEXT NOT NULL REFERENCES clients (client_id),
  answered_at TEXT NOT NULL,
  answers_json TEXT NOT NULL,
  recorded_at INTEGER NOT NULL
) STRICT;
CREATE TABLE sessions (
  session_id INTEGER PRIMARY KEY,
  client_id TEXT NOT NULL REFERENCES clients (client_id),
  mode TEXT NOT NULL CHECK (mode IN ('home', 'pro')),
  is_patch_test INTEGER NOT NULL CHECK (is_patch_test IN (0, 1)),
  cartridge_id INTEGER,
  plan_json TEXT,
  started_at INTEGER NOT NULL,
  ended_at INTEGER,
  outcome TEXT CHECK (outcome IN (${outcomeList})),
  CHECK ((ended_at IS NULL) = (outcome IS NULL))
) STRICT;
CREATE TABLE session_areas (
  session_id INTEGER NOT NULL REFERENCES sessions (session_id),
  area TEXT NOT NULL,
  position INTEGER NOT NULL,
  depth_um INTEGER NOT NULL CHECK (depth_um BETWEEN ${DEPTH_RANGE_UM.min} AND ${DEPTH_RANGE_UM.max}),
  stroke_hz INTEGER NOT NULL CHECK (stroke_hz BETWEEN 0 AND ${STROKE_RANGE_HZ.max}),
  pass_limit INTEGER NOT NULL CHECK (pass_limit BETWEEN 0 AND ${MAX_PASSES_PER_AREA}),
  passes INTEGER NOT NULL DEFAULT 0,
  strokes INTEGER NOT NULL DEFAULT 0,
  punctures INTEGER NOT NULL DEFAULT 0,
  max_measured_depth_um INTEGER,
  lock_reason TEXT,
  finished_at INTEGER,
  PRIMARY KEY (session_id, area)
) STRICT;
CREATE TABLE passes (
  pass_id INTEGER PRIMARY KEY,
  session_id INTEGER NOT NULL,
  area TEXT NOT NULL,
  pass_number INTEGER NOT NULL CHECK (pass_number >= 1),
  opened_at INTEGER NOT NULL,
  contact_at INTEGER,
  ended_at INTEGER,
  strokes INTEGER,
  punctures INTEGER,
  UNIQUE (session_id, area, pass_number),
  FOREIGN KEY (session_id, area) REFERENCES session_areas (session_id, area)
) STRICT;
CREATE TABLE cartridges (
  cartridge_id INTEGER PRIMARY KEY CHECK (cartridge_id BETWEEN 1 AND 4294967295),
  session_id INTEGER REFERENCES sessions (session_id),
  first_used_at INTEGER NOT NULL
) STRICT;
CREATE TABLE faults (
  fault_id INTEGER PRIMARY KEY,
  session_id INTEGER REFERENCES sessions (session_id),
  at INTEGER NOT NULL,
  code TEXT NOT NULL,
  detail TEXT
) STRICT;
CREATE TABLE refusals (
  refusal_id INTEGER PRIMARY KEY,
  session_id INTEGER REFERENCES sessions (session_id),
  client_id TEXT,
  at INTEGER NOT NULL,
  reason TEXT NOT NULL,
  detail TEXT NOT NULL,
  area TEXT
) STRICT;
CREATE TABLE audit_log (
  audit_id INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,
  session_id INTEGER,
  kind TEXT NOT NULL,
  detail_json TEXT NOT NULL
) STRICT;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER passes_no_delete BEFORE DELETE ON passes
  BEGIN SELECT RAISE(ABORT, 'an opened pass is permanent'); END;
CREATE TRIGGER passes_identity_fixed BEFORE UPDATE OF pass_id, session_id, area, pass_number, opened_at ON passes
  BEGIN SELECT RAISE(ABORT, 'a pass identity never changes'); END;
CREATE TRIGGER passes_closed_final BEFORE UPDATE ON passes WHEN OLD.ended_at IS NOT NULL
  BEGIN SELECT RAISE(ABORT, 'a closed pass is final'); END;
CREATE INDEX passes_by_session ON passes (session_id, area);
`,
  },
  {
    version: 2,
    summary: 'patch tests as their own records (v1 had only the session flag), sessions indexed by client',
    tables: [...V1_TABLES, 'patch_tests'],
    sql: `
CREATE TABLE patch_tests (
  patch_test_id INTEGER PRIMARY KEY,
  client_id TEXT NOT NULL REFERENCES clients (client_id),
  done_at INTEGER NOT NULL,
  session_id INTEGER REFERENCES sessions (session_id),
  area TEXT,
  recorded_at INTEGER NOT NULL
) STRICT;
INSERT INTO patch_tests (client_id, done_at, session_id, area, recorded_at)
  SELECT s.client_id, s.ended_at, s.session_id,
         (SELECT a.area FROM session_areas a WHERE a.session_id = s.session_id ORDER BY a.position LIMIT 1),
         s.ended_at
  FROM sessions s
  WHERE s.is_patch_test = 1 AND s.outcome = 'completed'
    AND EXISTS (SELECT 1 FROM passes p WHERE p.session_id = s.session_id AND p.contact_at IS NOT NULL);
CREATE INDEX sessions_by_client ON sessions (client_id, started_at);
CREATE INDEX patch_tests_by_client ON patch_tests (client_id, done_at);
`,
  },
  {
    version: 3,
    summary:
      'audit chain (rows_json, chain_hash), session claims, cartridges per session, pass contact time, permanent records',
    tables: [...V1_TABLES, 'patch_tests', 'session_claims', 'session_cartridges'],
    sql: V3_SQL,
  },
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;

/** From this version on every audit row is chained (S16); rows written before are the chain's genesis. */
export const CHAIN_SCHEMA_VERSION = 3;

/** The tables a store at `version` must have; empty for 0. */
export function tablesAtVersion(version: number): readonly string[] {
  return MIGRATIONS.find((migration) => migration.version === version)?.tables ?? [];
}

/** The tables whose rows the audit chain covers at `version`: every table but the audit log itself. */
export function coveredTableNames(version: number): readonly string[] {
  return tablesAtVersion(version).filter((table) => table !== 'audit_log');
}
