// The records a session request uses: which database (the real one, or the demo one), the client and its screening.
import { join } from 'node:path';
import { demoClient, parseScreeningFile, type Screening } from '../policy/index.js';
import {
  isPostgresUrl,
  openRecords,
  redactUrl,
  resolveDataDir,
  resolveRecordsTarget,
  StoreError,
  type Store,
} from '../store/index.js';
import { RequestError } from './request-error.js';
import { StoreSessionRecords } from './store-records.js';

/** File of the demo database, beside the real one: demo clients live only there. */
export const DEMO_STORE_FILE_NAME = 'demo.db';
/** Client ids of demo clients start with this; a real pen refuses them. */
export const DEMO_CLIENT_PREFIX = 'demo-client';

export interface RecordsOptions {
  readonly dbPath: string | undefined;
  readonly clientId: string | undefined;
  /** Screening answers (parsed JSON) to record for the client, and where they came from (for messages). */
  readonly screening: { readonly json: unknown; readonly source: string } | undefined;
  /** The simulated pen: without a client it treats a fresh demo client in the demo database. */
  readonly simulated: boolean;
  /** Wall-clock source for records and rules, ms since epoch. */
  readonly nowMs: () => number;
}

export interface RequestRecords {
  readonly store: Store;
  /** The database file: the real one, or the demo one beside it. */
  readonly path: string;
  readonly clientId: string;
  readonly records: StoreSessionRecords;
  close(): void;
}

/** Opens the database at `path` (StoreError -> RequestError, exit 2: the file is left untouched). */
export function openRecordsStore(path: string, nowMs: () => number): Store {
  try {
    return openRecords(path, { nowMs });
  } catch (error) {
    if (error instanceof StoreError) {
      const where = isPostgresUrl(path) ? redactUrl(path) : path;
      throw new RequestError(`database ${where}: ${error.message} (left untouched)`);
    }
    throw error;
  }
}

/** The records: `--db` (path or `postgres://` URL), else `$MNPEN_DATABASE_URL`, else `$MNPEN_DATA_DIR/mnpen.db`. */
export function defaultDbPath(dbPath: string | undefined): string {
  return resolveRecordsTarget(process.env, dbPath);
}

function checkedScreening(json: unknown, source: string, nowMs: number): Screening {
  const result = parseScreeningFile(json, nowMs);
  if (!result.ok) {
    throw new RequestError(
      `${source}: refused:\n  ${result.errors.map((error) => `${error.field}: ${error.message}`).join('\n  ')}`,
    );
  }
  return result.screening;
}

const CLIENT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * Chooses and opens the database, records the client's screening when given, and prepares the
 * run's records. Bad input (a bad client id, `--screening` without `--client`, a demo client on a
 * real pen, a bad screening file or database) throws RequestError before anything is written.
 */
export function openSessionRecords(options: RecordsOptions): RequestRecords {
  const { clientId } = options;
  if (clientId !== undefined && !CLIENT_ID_PATTERN.test(clientId)) {
    throw new RequestError(
      '--client: 1-64 characters of letters, digits, dot, dash or underscore, starting with a letter or digit',
    );
  }
  if (clientId === undefined && options.screening !== undefined) {
    throw new RequestError('--screening needs --client ID: the answers belong to a client (a demo run has its own)');
  }
  if (clientId === undefined && !options.simulated)
    throw new RequestError('--client ID is required for a session on a real pen');
  if (clientId !== undefined && clientId.startsWith(DEMO_CLIENT_PREFIX)) {
    throw new RequestError(`--client ${clientId}: ids starting with ${DEMO_CLIENT_PREFIX} are reserved for demo runs`);
  }
  // NOTE: read the screening before opening the database: a bad file must not create one.
  const screening =
    options.screening === undefined
      ? null
      : checkedScreening(options.screening.json, options.screening.source, options.nowMs());
  const realPath = defaultDbPath(options.dbPath);
  const demo = clientId === undefined;
  // NOTE: demo clients never reach a shared server: a demo run uses the demo file in the data directory.
  const demoBeside = isPostgresUrl(realPath) ? join(resolveDataDir(process.env), 'mnpen.db') : realPath;
  const path = demo ? join(demoBeside, '..', DEMO_STORE_FILE_NAME) : realPath;
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
    } else if (store.getClient(id) === null) {
      throw new RequestError(`--screening FILE is required: client ${id} has no record yet`);
    }
    return {
      store,
      path,
      clientId: id,
      records: new StoreSessionRecords(store, options.nowMs),
      close: () => store.close(),
    };
  } catch (error) {
    store.close();
    if (error instanceof StoreError) throw new RequestError(`database ${path}: ${error.message}`);
    throw error;
  }
}
