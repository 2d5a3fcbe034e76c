// S14 S15 S18 end-to-end: a hostile or broken host writing frames straight to the pen, bypassing the controller.
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import {
  encodeFrame,
  PenState,
  PROTOCOL_VERSION,
  Reason,
  Sku,
  slipEncode,
  type Message,
} from '../../src/protocol/index.js';
import { BAD_INPUT_CORPUS, DUPLICATED_COMMAND, withCrc } from '../fixtures/bad-input-corpus.js';
import { openPenHarness, physical, type PenHarness } from '../support/pen-harness.js';

let pen: PenHarness | undefined;
afterEach(async () => pen?.close());

async function status(harness: PenHarness): Promise<Extract<Message, { name: 'STATUS' }>['payload']> {
  harness.send('STATUS_REQUEST', 0, {});
  await harness.advance(3);
  return harness.of('STATUS').at(-1)!.payload;
}

type HostileAction =
  | { kind: 'depth'; depthUm: number }
  | { kind: 'rawDepth'; depthUm: number }
  | { kind: 'arm' }
  | { kind: 'heartbeat' }
  | { kind: 'hello' }
  | { kind: 'garbage'; bytes: Uint8Array }
  | { kind: 'randomFrame'; body: Uint8Array }
  | { kind: 'wait'; ms: number };

const hostileAction: fc.Arbitrary<HostileAction> = fc.oneof(
  fc.record({ kind: fc.constant('depth' as const), depthUm: fc.integer({ min: 0, max: 2500 }) }),
  fc.record({ kind: fc.constant('rawDepth' as const), depthUm: fc.integer({ min: 0, max: 0xffff }) }),
  fc.constant({ kind: 'arm' as const }),
  fc.constant({ kind: 'heartbeat' as const }),
  fc.constant({ kind: 'hello' as const }),
  fc.record({ kind: fc.constant('garbage' as const), bytes: fc.uint8Array({ maxLength: 80 }) }),
  fc.record({ kind: fc.constant('randomFrame' as const), body: fc.uint8Array({ minLength: 3, maxLength: 40 }) }),
  fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 1, max: 120 }) }),
);

function applyHostile(harness: PenHarness, action: HostileAction): void {
  const seq = harness.seq;
  switch (action.kind) {
    case 'depth':
      harness.send('SET_DEPTH', seq, { depthUm: action.depthUm });
      break;
    case 'rawDepth':
      harness.writeRaw(
        slipEncode(withCrc([8, seq & 0xff, seq >> 8, 0x11, action.depthUm & 0xff, action.depthUm >> 8])),
      );
      break;
    case 'arm':
      harness.send('ARM', seq, {});
      break;
    case 'heartbeat':
      harness.send('HEARTBEAT', seq, {});
      break;
    case 'hello':
      harness.send('HELLO', seq, { protocolVersion: PROTOCOL_VERSION });
      break;
    case 'garbage':
      harness.writeRaw(action.bytes);
      break;
    case 'randomFrame':
      harness.writeRaw(slipEncode(withCrc([action.body.length + 3, ...action.body])));
      break;
    case 'wait':
      break;
  }
  harness.seq = (seq + 1) & 0xffff;
}

describe('hostile host', () => {
  it('S18: a home-SKU pen commanded directly with hostile frames never goes beyond 250 um', async () => {
    let maxPhysicalUm = 0;
    let maxMeasuredUm = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(hostileAction, { minLength: 10, maxLength: 60 }), async (actions) => {
        const harness = await openPenHarness({ sku: Sku.HOME, seed: 18 });
        try {
          await harness.hello();
          for (const action of actions) {
            applyHostile(harness, action);
            const nak = harness.received.at(-1);
            if (nak?.name === 'NAK' && nak.payload.reason === Reason.SEQUENCE_UNEXPECTED)
              harness.seq = nak.payload.expectedSeq;
            if (nak?.name === 'INFO') harness.seq = nak.payload.nextSeq;
            await harness.sim.runUntil(
              () => {
                maxPhysicalUm = Math.max(maxPhysicalUm, physical(harness.sim).depthUm);
                maxMeasuredUm = Math.max(maxMeasuredUm, harness.sim.pen.hardware.readDepthEncoderUm());
                return false;
              },
              action.kind === 'wait' ? action.ms : 3,
            );
          }
        } finally {
          await harness.close();
        }
        expect(maxPhysicalUm).toBeLessThanOrEqual(250);
      }),
      { seed: 18, numRuns: 25 },
    );
    expect(maxMeasuredUm).toBeLessThanOrEqual(250 + 50);
    expect(maxPhysicalUm).toBeGreaterThan(0);
  });

  it('S14: every case of the bad-input corpus gets its expected outcome and changes nothing', async () => {
    pen = await openPenHarness({ sku: Sku.PRO });
    await pen.hello();
    await pen.command('SET_DEPTH', { depthUm: 700 });
    const baseline = await status(pen);
    for (const entry of BAD_INPUT_CORPUS) {
      const seq = pen.seq;
      if (entry.outcome.kind === 'duplicate' || entry.outcome.kind === 'reused') {
        const original = await pen.command(DUPLICATED_COMMAND.name, DUPLICATED_COMMAND.payload);
        await pen.command('SET_DEPTH', { depthUm: 700 });
        const count = pen.received.length;
        pen.writeRaw(entry.build(seq));
        await pen.advance(5);
        const replies = pen.received.slice(count).filter((m) => m.name === 'ACK' || m.name === 'NAK');
        if (entry.outcome.kind === 'duplicate')
          expect(replies, entry.id).toEqual([{ ...original, seq: replies[0]?.seq }]);
        else {
          expect(replies, entry.id).toMatchObject([
            { name: 'NAK', payload: { refusedSeq: seq, reason: Reason.SEQUENCE_REUSED, expectedSeq: pen.seq } },
          ]);
        }
      } else {
        const count = pen.received.length;
        pen.writeRaw(entry.build(seq));
        await pen.advance(5);
        const replies = pen.received.slice(count).filter((m) => m.name === 'ACK' || m.name === 'NAK');
        if (entry.outcome.kind === 'dropped') expect(replies, entry.id).toEqual([]);
        else {
          expect(replies, entry.id).toHaveLength(1);
          expect(replies[0], entry.id).toMatchObject({
            name: 'NAK',
            payload: { refusedSeq: seq, reason: entry.outcome.reason },
          });
          pen.seq = (replies[0] as Extract<Message, { name: 'NAK' }>).payload.expectedSeq;
        }
      }
      const after = await status(pen);
      expect({ state: after.state, depth: after.commandedDepthUm, fault: after.faultCode }, entry.id).toEqual({
        state: baseline.state,
        depth: baseline.commandedDepthUm,
        fault: baseline.faultCode,
      });
    }
    expect(await pen.command('SET_DEPTH', { depthUm: 300 })).toMatchObject({
      name: 'ACK',
      payload: { appliedValue: 300 },
    });
  });

  it('S14: after 64 KiB of random garbage the pen still answers and nothing moved', async () => {
    pen = await openPenHarness({ sku: Sku.HOME });
    await pen.hello();
    pen.sim.faults.linkGarbage(65_536);
    await pen.advance(100);
    expect(physical(pen.sim).motorCommandHz).toBe(0);
    await pen.hello();
    expect(await pen.command('SET_DEPTH', { depthUm: 150 })).toMatchObject({
      name: 'ACK',
      payload: { appliedValue: 150 },
    });
  });

  it('S15: duplicated, reordered and replayed frames never raise the depth above the last in-order command of the session', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat(), { minLength: 1, maxLength: 30 }), fc.boolean(), async (picks, newSession) => {
        const harness = await openPenHarness({ sku: Sku.PRO, seed: 15 });
        try {
          await harness.hello();
          const frames: Uint8Array[] = [];
          for (const depthUm of [2000, 1500, 400]) {
            frames.push(slipEncode(encodeFrame('SET_DEPTH', harness.seq, { depthUm })));
            await harness.command('SET_DEPTH', { depthUm });
          }
          if (newSession) await harness.hello();
          await harness.command('ARM', {});
          for (const pick of picks) harness.writeRaw(frames[pick % frames.length]!);
          let maxSetpointUm = 0;
          for (let i = 0; i < 8; i++) {
            await harness.command('HEARTBEAT', {});
            await harness.sim.runUntil(() => {
              maxSetpointUm = Math.max(maxSetpointUm, physical(harness.sim).setpointUm);
              return false;
            }, 40);
          }
          // a new HELLO starts clean: depth 0 until the new session sets one
          const lastInOrderUm = newSession ? 0 : 400;
          expect(maxSetpointUm).toBe(lastInOrderUm);
          expect(physical(harness.sim).depthUm).toBeLessThanOrEqual(lastInOrderUm + 5);
        } finally {
          await harness.close();
        }
      }),
      { seed: 15, numRuns: 20 },
    );
  });

  it('S15: a replayed ARM from an earlier link session is refused after HELLO', async () => {
    pen = await openPenHarness({ sku: Sku.HOME });
    await pen.hello();
    await pen.command('SET_DEPTH', { depthUm: 250 });
    const armFrame = slipEncode(encodeFrame('ARM', pen.seq, {}));
    await pen.command('ARM', {});
    await pen.command('DISARM', {});
    await pen.hello();
    const count = pen.received.length;
    pen.writeRaw(armFrame);
    await pen.advance(5);
    expect(pen.received.slice(count)).toMatchObject([{ name: 'NAK', payload: { reason: Reason.SEQUENCE_UNEXPECTED } }]);
    expect((await status(pen)).state).toBe(PenState.IDLE);
  });
});
