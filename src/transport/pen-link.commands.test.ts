// PenLink reliable commands: exact ACK/NAK results, retransmit, duplicates, go-back-N, window bound, dead link.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Reason, encodeFrame, slipEncode, type Message } from '../protocol/index.js';
import { seqDistance } from './command-window.js';
import type { CommandResult } from './link-types.js';
import type { FakeAnswer } from '../../test/support/fake-pen.js';
import { connectedHarness, type WireEvent } from '../../test/support/link-harness.js';

/** Seqs and times of the commands the host wrote, in order. */
function commandWrites(wire: WireEvent[]): { name: string; seq: number; atMs: number }[] {
  return wire
    .filter((event) => event.direction === 'toPen' && event.message.name !== 'HELLO')
    .map((event) => ({ name: event.message.name, seq: event.message.seq, atMs: event.atMs }));
}

/** Largest number of distinct command seqs written by the host and not yet finally answered to it. */
function maxUnansweredOnWire(wire: WireEvent[]): number {
  const unanswered = new Set<number>();
  let max = 0;
  for (const { direction, message } of wire) {
    if (direction === 'toPen' && message.name !== 'HELLO') {
      unanswered.add(message.seq);
      max = Math.max(max, unanswered.size);
    } else if (message.name === 'ACK') {
      unanswered.delete(message.payload.ackedSeq);
    } else if (message.name === 'NAK' && !isRetryReason(message.payload.reason)) {
      unanswered.delete(message.payload.refusedSeq);
    }
  }
  return max;
}

const isRetryReason = (reason: number): boolean =>
  reason === Reason.SEQUENCE_UNEXPECTED || reason === Reason.QUEUE_FULL;

/** Floors to the 50 um step and clamps to the home SKU's 250 um, as the firmware would. */
function homePenAnswer(command: Message): FakeAnswer {
  if (command.name === 'ARM') return { nak: Reason.NOT_HOMED };
  if (command.name !== 'SET_DEPTH') return { ack: { note: 0, appliedValue: 0 } };
  const floored = command.payload.depthUm - (command.payload.depthUm % 50);
  if (floored > 250) return { ack: { note: Reason.DEPTH_CLAMPED_TO_SKU_MAX, appliedValue: 250 } };
  const note = floored === command.payload.depthUm ? Reason.NONE : Reason.DEPTH_FLOORED_TO_STEP;
  return { ack: { note, appliedValue: floored } };
}

function toResult(answer: FakeAnswer): CommandResult {
  return 'ack' in answer ? { ok: true, ...answer.ack } : { ok: false, reason: answer.nak };
}

describe('PenLink commands', () => {
  it('S8: resolves ACK notes and NAK reasons exactly as the pen sent them', async () => {
    const h = await connectedHarness();
    h.pen.answer = homePenAnswer;
    const results = Promise.all([
      h.link.command('SET_DEPTH', { depthUm: 260 }),
      h.link.command('SET_DEPTH', { depthUm: 2500 }),
      h.link.command('ARM', {}),
      h.link.command('SET_DEPTH', { depthUm: 200 }),
    ]);
    h.advance(5);
    expect(await results).toEqual([
      { ok: true, note: Reason.DEPTH_FLOORED_TO_STEP, appliedValue: 250 },
      { ok: true, note: Reason.DEPTH_CLAMPED_TO_SKU_MAX, appliedValue: 250 },
      { ok: false, reason: Reason.NOT_HOMED },
      { ok: true, note: Reason.NONE, appliedValue: 200 },
    ]);
  });

  it('retransmits after retransmitTimeoutMs when the ACK is lost; the pen answers from memory, acting once', async () => {
    const h = await connectedHarness();
    let lost = 1;
    h.pen.dropToHost = (message) => message.name === 'ACK' && lost-- > 0;
    const startMs = h.clock.nowMs();
    const result = h.link.command('SET_DEPTH', { depthUm: 100 });
    h.advance(100);
    expect(await result).toEqual({ ok: true, note: 0, appliedValue: 100 });
    expect(commandWrites(h.wire)).toEqual([
      { name: 'SET_DEPTH', seq: 0x4100, atMs: startMs },
      { name: 'SET_DEPTH', seq: 0x4100, atMs: startMs + 40 },
    ]);
    expect(h.pen.executed.length).toBe(1);
    expect(h.link.stats.retransmissions).toBe(1);
  });

  it('retransmits a command frame lost on its way to the pen', async () => {
    const h = await connectedHarness();
    let lost = 1;
    h.pen.dropFromHost = (message) => message.name === 'HOME' && lost-- > 0;
    const result = h.link.command('HOME', {});
    h.advance(100);
    expect(await result).toEqual({ ok: true, note: 0, appliedValue: 0 });
    expect(h.pen.received.filter((message) => message.name === 'HOME').length).toBe(1);
  });

  it('S15: ignores duplicated answers: each command gets its own result once', async () => {
    const h = await connectedHarness();
    h.pen.duplicateToHost = true;
    const results = Promise.all([100, 150, 200].map((depthUm) => h.link.command('SET_DEPTH', { depthUm })));
    h.advance(10);
    expect((await results).map((result) => (result.ok ? result.appliedValue : -1))).toEqual([100, 150, 200]);
    expect(h.link.stats.duplicateAnswers).toBe(3);
    expect(h.pen.executed.length).toBe(3);
  });

  it('goes back to expectedSeq at once on NAK SEQUENCE_UNEXPECTED after a gap', async () => {
    const h = await connectedHarness();
    let lost = 1;
    h.pen.dropFromHost = (message) => message.name === 'SET_SPEED' && lost-- > 0;
    const startMs = h.clock.nowMs();
    const results = Promise.all([
      h.link.command('SET_SPEED', { strokeHz: 100 }),
      h.link.command('SET_DEPTH', { depthUm: 150 }),
      h.link.command('HOME', {}),
      h.link.command('DISARM', {}),
    ]);
    h.advance(10);
    expect((await results).every((result) => result.ok)).toBe(true);
    const writes = commandWrites(h.wire);
    expect(writes.map((write) => write.seq - 0x4100)).toEqual([0, 1, 2, 3, 0, 1, 2, 3]);
    expect(writes.slice(4).every((write) => write.atMs === startMs + 1)).toBe(true); // not after 40 ms
    expect(h.pen.executed.map((message) => message.name)).toEqual(['SET_SPEED', 'SET_DEPTH', 'HOME', 'DISARM']);
    expect(h.link.stats.goBacks).toBe(1);
  });

  it('never has more than windowSize commands unanswered on the wire; the rest wait in order', async () => {
    const h = await connectedHarness({ latencyMs: 3 });
    const results = Promise.all(Array.from({ length: 12 }, (_, i) => h.link.command('SET_TELEMETRY', { rateHz: i })));
    expect(commandWrites(h.wire).length).toBe(4);
    expect([h.link.commandsInFlight, h.link.commandsQueued]).toEqual([4, 8]);
    h.advance(100);
    expect((await results).map((result) => (result.ok ? result.appliedValue : -1))).toEqual(
      Array.from({ length: 12 }, (_, i) => i),
    );
    expect(maxUnansweredOnWire(h.wire)).toBe(4);
    expect([h.link.commandsInFlight, h.link.commandsQueued]).toEqual([0, 0]);
  });

  it('leaves a NAK QUEUE_FULL to the retransmit timer and does not resolve the command with it', async () => {
    const h = await connectedHarness();
    let full = 1;
    h.pen.queueFull = () => full-- > 0;
    const startMs = h.clock.nowMs();
    const result = h.link.command('ARM', {});
    h.advance(100);
    expect(await result).toEqual({ ok: true, note: 0, appliedValue: 0 });
    expect(commandWrites(h.wire).map((write) => write.atMs)).toEqual([startMs, startMs + 40]);
  });

  it('declares the link dead after maxAttempts transmissions and rejects every pending command', async () => {
    const h = await connectedHarness();
    h.pen.silent = true;
    const reasons: string[] = [];
    h.link.onLinkDead((reason) => reasons.push(reason));
    const startMs = h.clock.nowMs();
    const first = h.link.command('HOME', {});
    const second = h.link.command('DISARM', {});
    const outcomes = Promise.allSettled([first, second]);
    h.advance(1000);
    for (const outcome of await outcomes) {
      expect(outcome).toMatchObject({
        status: 'rejected',
        reason: { code: 'LINK_DEAD', deadReason: 'RETRIES_EXHAUSTED' },
      });
    }
    const homeTimes = commandWrites(h.wire)
      .filter((write) => write.name === 'HOME')
      .map((write) => write.atMs - startMs);
    expect(homeTimes).toEqual([0, 40, 80, 120, 160]);
    expect(reasons).toEqual(['RETRIES_EXHAUSTED']);
    await expect(h.link.command('ARM', {})).rejects.toMatchObject({ code: 'LINK_DEAD' });
  });

  it('declares SEQUENCE_LOST when the pen expects a seq the host never sent', async () => {
    const h = await connectedHarness();
    let injecting = true;
    h.pen.dropToHost = () => injecting;
    for (let i = 0; i < 0x100; i++) h.pen.injectFromHost(slipEncode(encodeFrame('HEARTBEAT', 0x4100 + i, {})));
    injecting = false;
    expect(h.pen.expectedSeq).toBe(0x4200); // another host moved the pen's sequence
    const result = h.link.command('HOME', {});
    h.advance(5);
    await expect(result).rejects.toMatchObject({ code: 'LINK_DEAD', deadReason: 'SEQUENCE_LOST' });
  });

  it('S15: under random loss, duplication and delay each command acts at most once, in order, with its own answer', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 14 }),
        fc.array(fc.nat({ max: 9 }), { maxLength: 60 }),
        fc.array(fc.nat({ max: 9 }), { maxLength: 60 }),
        fc.boolean(),
        fc.integer({ min: 0, max: 30 }),
        async (count, lossToPen, lossToHost, duplicate, latencyMs) => {
          const h = await connectedHarness({ latencyMs });
          h.pen.answer = homePenAnswer;
          h.pen.duplicateToHost = duplicate;
          let toPen = 0;
          let toHost = 0;
          h.pen.dropFromHost = () => lossToPen[toPen++] === 0;
          h.pen.dropToHost = () => lossToHost[toHost++] === 0;
          const submitted = Array.from({ length: count }, (_, i) =>
            i % 5 === 4 ? { name: 'ARM', payload: {} } : { name: 'SET_DEPTH', payload: { depthUm: (i * 37) % 300 } },
          );
          const commands = submitted.map((command) =>
            command.name === 'ARM'
              ? h.link.command('ARM', {})
              : h.link.command('SET_DEPTH', command.payload as { depthUm: number }),
          );
          const outcomes = Promise.allSettled(commands);
          h.advance(5000);
          const settled = await outcomes;
          const executed = h.pen.executed;
          executed.forEach((message, i) => expect(seqDistance(0x4100, message.seq)).toBe(i));
          expect(executed.map(({ name, payload }) => ({ name, payload }))).toEqual(submitted.slice(0, executed.length));
          settled.forEach((outcome, i) => {
            if (outcome.status === 'fulfilled') {
              expect(outcome.value).toEqual(toResult(homePenAnswer(executed[i] as Message)));
            } else {
              expect(outcome.reason).toMatchObject({ deadReason: 'RETRIES_EXHAUSTED' });
            }
          });
          if (h.link.deadReason === null) expect(executed.length).toBe(count);
          expect(maxUnansweredOnWire(h.wire)).toBeLessThanOrEqual(4);
        },
      ),
      { seed: 15, numRuns: 200 },
    );
  });
});
