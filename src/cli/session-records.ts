// The records a CLI session uses: which database (the real one, or the demo one), the client and its screening.
import { join } from 'node:path';
import { demoClient, parseScreening, type Screening } from '../policy/index.js';
import { openStore, resolveDataDir, StoreError, type Store } from '../store/index.js';
import { StoreSessionRecords } from '../wiring/store-records.js';
import { UsageError } from './command.js';
import { readJsonInput } from './input-file.js';

/** File of the demo database, beside the real one: demo clients live only there. */
export const DEMO_STORE_FILE_NAME = 'demo.db';
/** Client ids of demo clients start with this; a real pen refuses them. */
export const DEMO_CLIENT_PREFIX = 'demo-client';

export interface RecordsOptions {
  readonly dbPath: string | undefined;
  readonly clientId: string | undefined;
  readonly screeningPath: string | undefined;
  /** The simulated pen: without a client it treats a fresh demo client in the demo database. */
  readonly simulated: boolean;
  /** Wall-clock source for records and rules, ms since epoch. */
  readonly nowMs: () => number;
}

export interface CliSessionRecords {
  readonly store: Store;
  readonly clientId: string;
  readonly records: StoreSessionRecords;
  close(): void;
}

/** Opens the database at `path` (StoreError -> UsageError, exit 2: the file is left untouched). */
export function openRecordsStore(path: string, nowMs: () => number): Store {
  try {
    return openStore(path, { nowMs });
  } catch (error) {
    if (error instanceof StoreError) throw new UsageError(`database ${path}: ${error.message} (file left untouched)`);
    throw error;
  }
}

/** The default database path: `--db`, else `$MNPEN_DATA_DIR/mnpen.db`. */
export function defaultDbPath(dbPath: string | undefined): string {
  return dbPath ?? join(resolveDataDir(process.env), 'mnpen.db');
}

function readScreening(path: string): Screening {
  const result = parseScreening(readJsonInput('--screening', path));
  if (!result.ok) {
    throw new UsageError(
      `--screening ${path}: refused:\n  ${result.errors.map((error) => `${error.field}: ${error.message}`).join('\n  ')}`,
    );
  }
  return result.screening;
}

const CLIENT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * Chooses and opens the database, records the client's screening when given, and prepares the
 * run's records. Bad input (a bad client id, `--screening` without `--client`, a demo client on a
 * real pen, a bad screening file or database) throws UsageError before anything is written.
 */
export function openSessionRecords(options: RecordsOptions): CliSessionRecords {
  const { clientId, screeningPath } = options;
  if (clientId !== undefined && !CLIENT_ID_PATTERN.test(clientId)) {
    throw new UsageError(
      '--client: 1-64 characters of letters, digits, dot, dash or underscore, starting with a letter or digit',
    );
  }
  if (clientId === undefined && screeningPath !== undefined) {
    throw new UsageError('--screening needs --client ID: the answers belong to a client (a demo run has its own)');
  }
  if (clientId === undefined && !options.simulated)
    throw new UsageError('--client ID is required for a session on a real pen');
  if (clientId !== undefined && clientId.startsWith(DEMO_CLIENT_PREFIX)) {
    throw new UsageError(`--client ${clientId}: ids starting with ${DEMO_CLIENT_PREFIX} are reserved for demo runs`);
  }
  // NOTE: read the screening before opening the database: a bad file must not create one.
  const screening = screeningPath === undefined ? null : readScreening(screeningPath);
  const realPath = defaultDbPath(options.dbPath);
  const demo = clientId === undefined;
  const path = demo ? join(realPath, '..', DEMO_STORE_FILE_NAME) : realPath;
  const store = openRecordsStore(path, options.nowMs);
  try {
    const id = demo ? `${DEMO_CLIENT_PREFIX}-${options.nowMs().toString(36)}` : clientId;
    if (demo) {
      // NOTE: a fresh demo client per run (in the demo database only), so `npm start` is never refused by an earlier demo.
      const client = demoClient(options.nowMs());
      store.upsertClient({ clientId: id, birthYear: client.birthYear, screening: client.screening });
      store.recordPatchTest(id, client.patchTestDoneAtMs, 'jawline');
    } else if (screening !== null) {
      store.upsertClient({ clientId: id, birthYear: screening.birthYear, screening });
    }
    return { store, clientId: id, records: new StoreSessionRecords(store, options.nowMs), close: () => store.close() };
  } catch (error) {
    store.close();
    if (error instanceof StoreError) throw new UsageError(`database ${path}: ${error.message}`);
    throw error;
  }
}
