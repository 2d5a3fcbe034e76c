// PostgreSQL failures as StoreErrors: unreachable or silent servers are RECORDS_UNAVAILABLE, constraint and trigger refusals INVALID.
import { StoreError, type StoreErrorCode } from '../errors.js';
import { PgFailure } from './sync-client.js';

const SOCKET_ERRNOS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'EAI_AGAIN',
]);

/** The StoreErrorCode of a SQLSTATE, socket errno or client code. */
export function pgErrorCode(failure: PgFailure): StoreErrorCode {
  const code = failure.code;
  if (code === 'TIMEOUT' || code === '' || SOCKET_ERRNOS.has(code)) return 'RECORDS_UNAVAILABLE';
  if (code.startsWith('08') || code.startsWith('28') || ['57P01', '57P02', '57P03', '3D000', '53300'].includes(code))
    return 'RECORDS_UNAVAILABLE';
  if (code === '23505' && failure.constraint === 'session_claims_one_live') return 'CLIENT_IN_SESSION';
  if (code.startsWith('23') || code.startsWith('22') || code === 'P0001') return 'INVALID';
  if (['40001', '40P01', '55P03', '57014'].includes(code)) return 'BUSY';
  if (code === '53100') return 'DISK_FULL';
  if (code === '25006') return 'READ_ONLY';
  if (code.startsWith('42')) return 'SCHEMA_ALTERED';
  if (code === 'XX001' || code === 'XX002') return 'CORRUPT';
  return 'IO';
}

/**
 * Maps a failure talking to the server at `where` (its URL without password) to a StoreError
 * whose message starts with `action`. A StoreError passes through; anything else (a bug) is rethrown.
 */
export function asPgStoreError(error: unknown, action: string, where: string): StoreError {
  if (error instanceof StoreError) return error;
  if (!(error instanceof PgFailure)) throw error;
  const code = pgErrorCode(error);
  if (code === 'CLIENT_IN_SESSION')
    return new StoreError(code, `${action}: the client's session is claimed by another station`);
  const sqlstate = error.code === '' ? '' : ` [${error.code}]`;
  const what = code === 'RECORDS_UNAVAILABLE' ? `PostgreSQL at ${where} is unavailable: ` : '';
  return new StoreError(code, `${action}: ${what}${error.message}${sqlstate}`);
}
