// Starting corpus of the fuzz targets: every catalog message at its field extremes, and the named bad-input corpus.
import { BAD_INPUT_CORPUS } from '../../test/fixtures/bad-input-corpus.js';
import { readFoundCases } from './found-cases.js';
import { catalogBodies, slipFrames } from './oracle.js';

const CORPUS_SEQ = 0x0100;

/** Frame bodies (CRC removed) of the named bad-input corpus and of the cases earlier fuzz runs added to it. */
export function badInputBodies(): Uint8Array[] {
  const wires = [...BAD_INPUT_CORPUS.map((entry) => entry.build(CORPUS_SEQ)), ...readFoundCases().map((c) => c.wire)];
  return wires.flatMap((wire) => slipFrames(wire).frames.map((frame) => frame.slice(0, Math.max(0, frame.length - 2))));
}

/** Seeds for a receiver of `direction` frames: the catalog both ways (the other way tests WRONG_DIRECTION), the bad-input corpus. */
export function seedBodies(direction: 'toPen' | 'toHost'): Uint8Array[] {
  const other = direction === 'toPen' ? 'toHost' : 'toPen';
  return [...catalogBodies(direction), ...catalogBodies(direction), ...catalogBodies(other), ...badInputBodies()];
}
