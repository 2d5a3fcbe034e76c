// Tests of the trust file: valid stores, and every bad entry refused naming its field.
import { describe, expect, it } from 'vitest';
import { namedKey, trustFileJson } from '../../test/support/trust-fixtures.js';
import { generateSigningKey } from './keys.js';
import { parseTrustEntry, parseTrustFile, trustEntryFor, withTrustedKey } from './trust-file.js';

const maker = namedKey('Acme Pens', ['maker']);
const clinic = namedKey('Rose Clinic', ['clinic']);

const fieldsOf = (json: unknown): string[] => {
  const result = parseTrustFile(json);
  if (result.ok) throw new Error('expected a refusal');
  return result.errors.map((error) => error.field);
};

describe('parseTrustFile', () => {
  it('holds each key by id with its name and roles', () => {
    const result = parseTrustFile(trustFileJson([maker, clinic]));
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.value.keys.get(maker.key.keyId)).toMatchObject({ name: 'Acme Pens', roles: ['maker'] });
    expect(result.value.keys.get(clinic.key.keyId)).toMatchObject({ name: 'Rose Clinic', roles: ['clinic'] });
  });

  it('an empty list is a valid file that trusts nothing', () => {
    const result = parseTrustFile({ version: 1, keys: [] });
    expect(result.ok && result.value.keys.size).toBe(0);
  });

  const entry = () => trustEntryFor(maker.key, 'Acme Pens', ['maker']);
  it.each<[string, () => unknown, string]>([
    ['not an object', () => 'trust', '(document)'],
    ['another version', () => ({ version: 2, keys: [] }), 'version'],
    ['an unknown top-level field', () => ({ version: 1, keys: [], extra: 1 }), 'extra'],
    [
      'a kid that is not the thumbprint',
      () => ({ version: 1, keys: [{ ...entry(), kid: clinic.key.keyId }] }),
      'keys[0].kid',
    ],
    ['the same key twice', () => ({ version: 1, keys: [entry(), entry()] }), 'keys[1].kid'],
    ['a role twice', () => ({ version: 1, keys: [{ ...entry(), roles: ['maker', 'maker'] }] }), 'keys[0].roles'],
    ['an unknown role', () => ({ version: 1, keys: [{ ...entry(), roles: ['admin'] }] }), 'keys[0].roles[0]'],
    ['no role', () => ({ version: 1, keys: [{ ...entry(), roles: [] }] }), 'keys[0].roles'],
    [
      'a control character in the name',
      () => ({ version: 1, keys: [{ ...entry(), name: 'Acme\u001b[2J' }] }),
      'keys[0].name',
    ],
    [
      'a short public key',
      () => ({ version: 1, keys: [{ ...entry(), jwk: { kty: 'OKP', crv: 'Ed25519', x: 'AAAA' } }] }),
      'keys[0].jwk.x',
    ],
    [
      'another curve',
      () => ({ version: 1, keys: [{ ...entry(), jwk: { ...entry().jwk, crv: 'X25519' } }] }),
      'keys[0].jwk.crv',
    ],
    [
      'a private part in the JWK',
      () => ({ version: 1, keys: [{ ...entry(), jwk: { ...entry().jwk, d: 'AAAA' } }] }),
      'keys[0].jwk.d',
    ],
  ])('refuses %s, naming %s', (_label, make, field) => {
    expect(fieldsOf(make())).toContain(field);
  });
});

describe('adding a key', () => {
  it('parseTrustEntry checks a public-key.json the same way', () => {
    expect(parseTrustEntry(trustEntryFor(maker.key, 'Acme', ['maker'])).ok).toBe(true);
    const bad = parseTrustEntry({ ...trustEntryFor(maker.key, 'Acme', ['maker']), kid: generateSigningKey().keyId });
    expect(bad.ok ? [] : bad.errors.map((e) => e.field)).toEqual(['key.kid']);
  });

  it('withTrustedKey appends, and refuses a key already trusted', () => {
    const first = withTrustedKey(null, trustEntryFor(maker.key, 'Acme', ['maker']));
    if (!first.ok) throw new Error('expected a file');
    const second = withTrustedKey(first.value, trustEntryFor(clinic.key, 'Rose', ['clinic']));
    expect(second.ok && second.value.keys.map((k) => k.name)).toEqual(['Acme', 'Rose']);
    const again = withTrustedKey(first.value, trustEntryFor(maker.key, 'Acme again', ['clinic']));
    expect(again.ok).toBe(false);
  });
});
