// Who may talk to the desk's local server: a per-run token in the URL, loopback Host names only, and the page's own Origin on the websocket.
import { randomBytes, timingSafeEqual } from 'node:crypto';

/** The only interface the server binds: nothing off this machine can connect. */
export const LOOPBACK_ADDRESS = '127.0.0.1';

/** A fresh random token for one run: 32 bytes, base64url (43 characters). */
export function createToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The `token` query parameter of a request target (`/path?token=...`), or null. */
export function tokenOf(target: string | undefined): string | null {
  if (target === undefined) return null;
  try {
    return new URL(target, 'http://loopback').searchParams.get('token');
  } catch {
    return null;
  }
}

/** The path of a request target, or null when it does not parse. */
export function pathOf(target: string | undefined): string | null {
  if (target === undefined) return null;
  try {
    return new URL(target, 'http://loopback').pathname;
  } catch {
    return null;
  }
}

/** True when `given` is the run's token; compared in constant time. */
export function isTokenValid(expected: string, given: string | null): boolean {
  if (given === null) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * NOTE: DNS rebinding: a foreign site whose name resolves to 127.0.0.1 reaches this port with its own
 * name in Host. Only the loopback names of this port are served.
 */
export function isHostAllowed(host: string | undefined, port: number): boolean {
  return host === `${LOOPBACK_ADDRESS}:${port}` || host === `localhost:${port}`;
}

/**
 * A browser always sends Origin on a websocket upgrade: it must be this server's own page. A client
 * without Origin is not a browser page (it still needs the token).
 */
export function isOriginAllowed(origin: string | undefined, port: number): boolean {
  if (origin === undefined) return true;
  return origin === `http://${LOOPBACK_ADDRESS}:${port}` || origin === `http://localhost:${port}`;
}

/** Headers of every page response: nothing loaded from elsewhere, no framing, no referrer (it would carry the token). */
export function pageHeaders(port: number, contentType: string): Record<string, string> {
  return {
    'Content-Type': contentType,
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Content-Security-Policy': [
      "default-src 'none'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' data:",
      `connect-src ws://${LOOPBACK_ADDRESS}:${port} ws://localhost:${port}`,
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors 'none'",
    ].join('; '),
  };
}
