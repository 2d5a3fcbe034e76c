// Fuzz target: the frame decoder (src/protocol) and its SLIP stream decoder, checked against the reference verdict.
import { decodeFrame, MAX_FRAME_BYTES, Reason, SlipStreamDecoder } from '../../src/protocol/index.js';
import type { WireForm } from './mutator.js';
import { judge, reasonName, reencode, sameBytes } from './oracle.js';
import { seedBodies } from './seeds.js';
import { check, type FuzzTarget, type Outcome } from './target.js';

const SLIP_DROP = { oversize: Reason.FRAME_OVERSIZE, badEscape: Reason.FRAME_BAD_ESCAPE } as const;

/**
 * Invariants: decodeFrame never throws and agrees with the reference verdict (same reason; seq and
 * type exactly when the CRC passed); an accepted message re-encodes to the very same bytes; the SLIP
 * decoder, fed the wire split at any point, gives back exactly the frame sent (or drops it as
 * oversize) and never a frame above MAX_FRAME_BYTES.
 */
export class DecoderTarget implements FuzzTarget {
  readonly name = 'decoder';
  private split = 0;

  seeds(): Uint8Array[] {
    return seedBodies('toPen').concat(seedBodies('toHost'));
  }

  hints(): readonly number[] {
    return [];
  }

  reset(): void {}

  run(input: WireForm): Outcome {
    const frames: Uint8Array[] = [];
    const drops: number[] = [];
    const slip = new SlipStreamDecoder(
      MAX_FRAME_BYTES,
      (frame) => frames.push(frame),
      (reason) => drops.push(SLIP_DROP[reason]),
    );
    const wire = input.wire;
    this.split = (this.split + 7) % (wire.length + 1);
    slip.push(wire.subarray(0, this.split));
    slip.push(wire.subarray(this.split));
    for (const frame of frames) check(frame.length <= MAX_FRAME_BYTES, `SLIP gave a ${frame.length}-byte frame`);
    if (input.clean) {
      if (input.frame.length > MAX_FRAME_BYTES)
        check(frames.length === 0 && drops.length === 1, 'oversize not dropped');
      else if (input.frame.length > 0)
        check(frames.length === 1 && sameBytes(frames[0] as Uint8Array, input.frame), 'SLIP changed the frame');
    }
    let reason = drops.length > 0 ? reasonName(drops[0] as number) : 'NO_FRAME';
    let path = 'slip';
    for (const frame of frames) {
      const verdict = judge(frame);
      const result = decodeFrame(frame);
      if (verdict.kind === 'accepted') {
        check(result.ok, 'decoder refused a valid frame');
        check(sameBytes(reencode(result.message), frame), `${result.message.name} does not re-encode to its bytes`);
        reason = 'ACCEPTED';
        path = result.message.name;
        continue;
      }
      check(!result.ok, `decoder accepted a frame the reference ${verdict.kind} (${reasonName(verdict.reason)})`);
      const rejection = result.rejection;
      check(rejection.reason === verdict.reason, `reason ${rejection.reason}, reference ${verdict.reason}`);
      if (verdict.kind === 'dropped') check(rejection.seq === undefined, 'seq given before the CRC passed');
      else check(rejection.seq === verdict.seq && rejection.type === verdict.type, 'seq or type of a refusal wrong');
      reason = reasonName(rejection.reason);
      path = verdict.kind;
    }
    return { reason, signature: `${path}:${reason}:${frames.length}:${drops.length}` };
  }
}
