// `npm run perf:trust`: sign and verify times of credentials, ours (node:crypto) against jose 6, and how one flipped bit is refused.
import { verify } from 'node:crypto';
import { loadavg } from 'node:os';
import * as jose from 'jose';
import { checkCredential, type TokenFailureCode } from '../src/policy/index.js';
import {
  TOKEN_TYP,
  generateSigningKey,
  parseTrustFile,
  signToken,
  trustEntryFor,
  verifyToken,
  type TrustStore,
} from '../src/trust/index.js';
import { median } from './stats.js';

const quick = process.argv.includes('--quick');
const RUNS = quick ? 5 : 21;
const OPS_PER_RUN = quick ? 200 : 2000;

const key = generateSigningKey();
const parsedTrust = parseTrustFile({ version: 1, keys: [trustEntryFor(key, 'Acme Pens', ['maker'])] });
if (!parsedTrust.ok) throw new Error('trust file');
const trust: TrustStore = parsedTrust.value;
const nowS = Math.floor(Date.now() / 1000);
const claims = {
  iss: key.keyId,
  sub: 'clin-042',
  jti: '7b0e6c1e-3f52-4b7e-9d0f-8f3c2a1b9e44',
  name: 'Dr. Ada Lovelace',
  license: 'GMC-1234567',
  iat: nowS,
  nbf: nowS,
  exp: nowS + 86_400,
  pens: [0x00c0ffee],
  maxDepthUm: 1500,
};
const ourToken = signToken('credential', claims, key);
const josePublicKey = await jose.importJWK({ ...key.publicJwk }, 'EdDSA');
const [headerPart, payloadPart, signaturePart] = ourToken.split('.') as [string, string, string];
const signingInput = Buffer.from(`${headerPart}.${payloadPart}`, 'ascii');
const signature = Buffer.from(signaturePart, 'base64url');
const publicKey = trust.keys.get(key.keyId)!.publicKey;

/** Microseconds per operation of one run of `ops` calls. */
async function timeRun(ops: number, operation: () => unknown): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < ops; i++) await operation();
  return Number(process.hrtime.bigint() - start) / 1000 / ops;
}

const cases: Record<string, () => unknown> = {
  'sign, ours': () => signToken('credential', claims, key),
  'sign, jose': () =>
    new jose.SignJWT({ ...claims })
      .setProtectedHeader({ alg: 'EdDSA', typ: TOKEN_TYP.credential, kid: key.keyId })
      .sign(key.privateKey),
  'verify, ours': () => {
    if (!verifyToken(ourToken, 'credential', trust).ok) throw new Error('verify failed');
  },
  'verify, node:crypto primitive only': () => {
    if (!verify(null, signingInput, publicKey, signature)) throw new Error('verify failed');
  },
  'verify, jose (jwtVerify)': () =>
    jose.jwtVerify(ourToken, josePublicKey, { algorithms: ['EdDSA'], typ: TOKEN_TYP.credential }),
  'verify + unlock decision, ours': () => {
    const decision = checkCredential({
      token: verifyToken(ourToken, 'credential', trust),
      nowMs: Date.now(),
      revocations: null,
      newestRecordAtMs: null,
      penSerialNumber: 0x00c0ffee,
    });
    if (!decision.ok) throw new Error('unlock refused');
  },
};

for (const operation of Object.values(cases)) await timeRun(OPS_PER_RUN, operation);
const perRun = new Map<string, number[]>(Object.keys(cases).map((name) => [name, []]));
for (let run = 0; run < RUNS; run++) {
  for (const [name, operation] of Object.entries(cases)) perRun.get(name)!.push(await timeRun(OPS_PER_RUN, operation));
}

const medians = new Map([...perRun].map(([name, values]) => [name, median(values)]));
console.log(
  `credential token of ${ourToken.length} bytes; ${RUNS} runs x ${OPS_PER_RUN} operations, interleaved; load average ${loadavg()
    .map((load) => load.toFixed(1))
    .join(' ')}`,
);
console.log('operation                            median us/op   min    max');
for (const [name, values] of perRun) {
  const line = `${name.padEnd(36)} ${medians.get(name)!.toFixed(1).padStart(9)}   ${Math.min(...values)
    .toFixed(1)
    .padStart(6)} ${Math.max(...values)
    .toFixed(1)
    .padStart(6)}`;
  console.log(line);
}
const ratio = (a: string, b: string) => (medians.get(a)! / medians.get(b)!).toFixed(2);
console.log(
  `jose / ours: sign ${ratio('sign, jose', 'sign, ours')}x, verify ${ratio('verify, jose (jwtVerify)', 'verify, ours')}x`,
);

const byFailure = new Map<TokenFailureCode | 'accepted', number>();
const bytes = Buffer.from(ourToken, 'latin1');
for (let position = 0; position < bytes.length; position++) {
  for (let bit = 0; bit < 8; bit++) {
    const mutated = Buffer.from(bytes);
    mutated[position] = mutated[position]! ^ (1 << bit);
    const result = verifyToken(mutated.toString('latin1'), 'credential', trust);
    const code = result.ok ? 'accepted' : result.failure;
    byFailure.set(code, (byFailure.get(code) ?? 0) + 1);
  }
}
console.log(`one flipped bit, every bit of the token (${bytes.length * 8} tokens):`);
for (const [code, count] of [...byFailure].sort((a, b) => b[1] - a[1])) console.log(`  ${code.padEnd(16)} ${count}`);
