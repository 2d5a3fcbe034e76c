// The named bad-input corpus at the codec: every frame-layer case is dropped with its reason, every NAK case decodes to its reason.
import { describe, expect, it } from 'vitest';
import { BAD_INPUT_CORPUS, FUZZ_FOUND_CASES } from '../../test/fixtures/bad-input-corpus.js';
import { MESSAGES } from './catalog.js';
import { codeName, Reason, type ReasonCode } from './codes.js';
import { decodeFrame, MAX_FRAME_BYTES } from './frame.js';
import { SlipStreamDecoder, type SlipDropReason } from './slip.js';

const DROP_REASON: Record<SlipDropReason, ReasonCode> = {
  oversize: Reason.FRAME_OVERSIZE,
  badEscape: Reason.FRAME_BAD_ESCAPE,
};

/** What the receiver's frame layer concludes about a byte stream: reasons of rejections, and accepted message names. */
function receive(bytes: Uint8Array): { rejected: ReasonCode[]; accepted: string[] } {
  const rejected: ReasonCode[] = [];
  const accepted: string[] = [];
  const decoder = new SlipStreamDecoder(
    MAX_FRAME_BYTES,
    (frame) => {
      const result = decodeFrame(frame);
      if (result.ok) accepted.push(result.message.name);
      else rejected.push(result.rejection.reason);
    },
    (reason) => rejected.push(DROP_REASON[reason]),
  );
  decoder.push(bytes);
  return { rejected, accepted };
}

describe('S14 bad-input corpus at the codec', () => {
  it('covers every category at least once', () => {
    const categories = new Set(BAD_INPUT_CORPUS.map((entry) => entry.category));
    for (const category of [
      'truncated',
      'badCrc',
      'oversize',
      'unknownType',
      'outOfRange',
      'duplicateSequence',
      'reusedSequence',
    ]) {
      expect(categories.has(category as never)).toBe(true);
    }
  });

  it.each(BAD_INPUT_CORPUS.map((entry) => [entry.id, entry] as const))('%s', (_id, entry) => {
    const { rejected, accepted } = receive(entry.build(0x4101));
    switch (entry.outcome.kind) {
      case 'dropped':
      case 'nak':
        if (entry.category === 'wrongDirection') {
          expect(rejected).toEqual([]);
          expect(accepted.map((name) => MESSAGES[name as keyof typeof MESSAGES].direction)).toEqual(['toHost']);
        } else {
          expect(rejected).toEqual([entry.outcome.reason]);
          expect(accepted).toEqual([]);
        }
        break;
      case 'duplicate':
      case 'reused':
        expect(rejected).toEqual([]);
        expect(accepted).toHaveLength(1);
        break;
    }
  });

  it.each(FUZZ_FOUND_CASES.filter((entry) => entry.kind === 'reason').map((entry) => [entry.id, entry] as const))(
    'fuzz-found %s reaches its reason',
    (_id, entry) => {
      const { rejected, accepted } = receive(entry.wire);
      const reached = [...rejected.map((code) => codeName(Reason, code)), ...(accepted.length > 0 ? ['ACCEPTED'] : [])];
      expect(reached).toContain(entry.reason);
    },
  );
});
