// The documented hex vectors in docs/protocol.md are exactly what the codec produces, and the doc is current.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeFrame, encodeFrame } from './frame.js';
import { GENERATED_BEGIN, renderGeneratedProtocolDoc } from './doc.js';
import { slipEncode, SlipStreamDecoder } from './slip.js';
import { VECTORS } from './vectors.js';
import { MESSAGES } from './catalog.js';

const doc = readFileSync(new URL('../../docs/protocol.md', import.meta.url), 'utf8');

function documentedVectors(): { header: string; bytes: Uint8Array }[] {
  const block = /```vectors\n([\s\S]*?)```/.exec(doc)?.[1] ?? '';
  const lines = block.split('\n').filter((line) => line.length > 0);
  const out: { header: string; bytes: Uint8Array }[] = [];
  for (let i = 0; i + 1 < lines.length; i += 2) {
    const hex = (lines[i + 1] as string).trim().split(' ');
    out.push({ header: lines[i] as string, bytes: Uint8Array.from(hex, (h) => parseInt(h, 16)) });
  }
  return out;
}

/** Bit-by-bit CRC-16/CCITT-FALSE, written independently of the table-driven one. */
function referenceCrc(bytes: Uint8Array): number {
  let crc = 0xffff;
  for (const byte of bytes) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

/** Undoes SLIP by hand: strips ENDs, resolves escapes. */
function referenceUnslip(wire: Uint8Array): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < wire.length; i++) {
    const byte = wire[i] as number;
    if (byte === 0xc0) continue;
    if (byte === 0xdb) out.push(wire[++i] === 0xdc ? 0xc0 : 0xdb);
    else out.push(byte);
  }
  return Uint8Array.from(out);
}

describe('documented vectors', () => {
  const documented = documentedVectors();

  it('the doc lists one vector per message type', () => {
    expect(documented).toHaveLength(VECTORS.length);
    expect(new Set(VECTORS.map((vector) => vector.name))).toEqual(new Set(Object.keys(MESSAGES)));
  });

  it.each(VECTORS.map((vector, index) => [vector.name, index] as const))(
    '%s: codec produces the documented bytes',
    (_name, index) => {
      const vector = VECTORS[index]!;
      const wire = slipEncode(encodeFrame(vector.name, vector.seq, vector.payload as never));
      expect(Array.from(wire)).toEqual(Array.from(documented[index]!.bytes));
      expect(documented[index]!.header.startsWith(`${vector.name} seq=${vector.seq} `)).toBe(true);
    },
  );

  it.each(VECTORS.map((vector, index) => [vector.name, index] as const))(
    '%s: documented bytes check out independently and decode',
    (_name, index) => {
      const frame = referenceUnslip(documented[index]!.bytes);
      expect(frame[0]).toBe(frame.length);
      const crc = ((frame[frame.length - 2] as number) << 8) | (frame[frame.length - 1] as number);
      expect(crc).toBe(referenceCrc(frame.subarray(0, frame.length - 2)));
      const decoded: Uint8Array[] = [];
      new SlipStreamDecoder(64, (f) => decoded.push(f)).push(documented[index]!.bytes);
      const result = decodeFrame(decoded[0]!);
      expect(result).toEqual({
        ok: true,
        message: { name: VECTORS[index]!.name, seq: VECTORS[index]!.seq, payload: VECTORS[index]!.payload },
      });
    },
  );

  it('the generated half of docs/protocol.md is current (run npm run docs:protocol)', () => {
    expect(doc.slice(doc.indexOf(GENERATED_BEGIN))).toBe(renderGeneratedProtocolDoc());
  });
});
