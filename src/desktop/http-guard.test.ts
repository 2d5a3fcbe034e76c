// Who may talk to the desk: token, loopback Host names, the page's own Origin.
import { describe, expect, it } from 'vitest';
import {
  createToken,
  isHostAllowed,
  isOriginAllowed,
  isTokenValid,
  pageHeaders,
  pathOf,
  tokenOf,
} from './http-guard.js';

describe('http guard', () => {
  it('makes a fresh 43-character token each run and checks it exactly', () => {
    const token = createToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(createToken()).not.toBe(token);
    expect(isTokenValid(token, token)).toBe(true);
    expect(isTokenValid(token, null)).toBe(false);
    expect(isTokenValid(token, '')).toBe(false);
    expect(isTokenValid(token, token.slice(1))).toBe(false);
    expect(isTokenValid(token, `${token}x`)).toBe(false);
  });

  it('reads the token and path of a request target', () => {
    expect(tokenOf('/ws?token=abc&x=1')).toBe('abc');
    expect(tokenOf('/ws')).toBeNull();
    expect(tokenOf(undefined)).toBeNull();
    expect(pathOf('/app.js?token=abc')).toBe('/app.js');
  });

  it('serves only the loopback names of its own port (DNS rebinding)', () => {
    expect(isHostAllowed('127.0.0.1:4100', 4100)).toBe(true);
    expect(isHostAllowed('localhost:4100', 4100)).toBe(true);
    expect(isHostAllowed('127.0.0.1:4101', 4100)).toBe(false);
    expect(isHostAllowed('evil.example:4100', 4100)).toBe(false);
    expect(isHostAllowed('127.0.0.1', 4100)).toBe(false);
    expect(isHostAllowed(undefined, 4100)).toBe(false);
  });

  it('accepts the websocket only from its own page (or a client that is no browser)', () => {
    expect(isOriginAllowed('http://127.0.0.1:4100', 4100)).toBe(true);
    expect(isOriginAllowed(undefined, 4100)).toBe(true);
    expect(isOriginAllowed('http://evil.example', 4100)).toBe(false);
    expect(isOriginAllowed('http://127.0.0.1:4101', 4100)).toBe(false);
    expect(isOriginAllowed('null', 4100)).toBe(false);
    expect(isOriginAllowed('https://127.0.0.1:4100', 4100)).toBe(false);
  });

  it('page headers forbid loading anything from elsewhere and leaking the token by referrer', () => {
    const headers = pageHeaders(4100, 'text/html');
    expect(headers['Content-Security-Policy']).toContain("default-src 'none'");
    expect(headers['Content-Security-Policy']).toContain('connect-src ws://127.0.0.1:4100');
    expect(headers['Referrer-Policy']).toBe('no-referrer');
  });
});
