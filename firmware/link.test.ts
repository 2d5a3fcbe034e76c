// Tests of the pen's link rules: sequencing, whole-frame duplicates, replays, the queue, refusals and drops (S8, S14, S15).
import { DEFAULT_STROKE_HZ } from '../src/limits/index.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MESSAGES,
  PenState,
  Reason,
  crc16Ccitt,
  encodeFrame,
  slipEncode,
  type Message,
  type MessageName,
} from '../src/protocol/index.js';
import { FirmwareHarness, type MessageOf } from '../test/support/firmware-harness.js';

/** A frame built by hand (any type, any payload) with a correct length byte and CRC. */
function rawFrame(seq: number, type: number, payload: readonly number[]): Uint8Array {
  const bytes = new Uint8Array(6 + payload.length);
  const view = new DataView(bytes.buffer);
  bytes[0] = bytes.length;
  view.setUint16(1, seq, true);
  bytes[3] = type;
  bytes.set(payload, 4);
  view.setUint16(bytes.length - 2, crc16Ccitt(bytes, 0, bytes.length - 2), false);
  return bytes;
}

function idleHarness(): FirmwareHarness {
  const harness = new FirmwareHarness();
  harness.boot();
  harness.take();
  return harness;
}

function nak(message: Message | undefined): MessageOf<'NAK'>['payload'] {
  if (message?.name !== 'NAK') throw new Error(`expected NAK, got ${message?.name}`);
  return message.payload;
}

/** The ACK payload the pen sends for command `name` with `seq` (v2: the answered type and the next expected seq). */
function ackOf(name: MessageName, seq: number, note = 0, appliedValue = 0): MessageOf<'ACK'>['payload'] {
  return { ackedSeq: seq, ackedType: MESSAGES[name].type, note, appliedValue, expectedSeq: (seq + 1) & 0xffff };
}

/** A NAK payload: `type` is the refused frame's type byte. */
function nakOf(seq: number, type: number, reason: number, expectedSeq: number): MessageOf<'NAK'>['payload'] {
  return { refusedSeq: seq, refusedType: type, reason, expectedSeq };
}

describe('HELLO and connection', () => {
  it('answers HELLO with any seq by INFO; each HELLO moves the expected seq by 0x4000 plus < 0x400', () => {
    const harness = idleHarness();
    const first = harness.connect();
    expect(first.protocolVersion).toBe(2);
    expect(first.state).toBe(PenState.IDLE);
    const second = harness.connect();
    const moved = (second.nextSeq - first.nextSeq + 0x10000) & 0xffff;
    expect(moved).toBeGreaterThanOrEqual(0x4000);
    expect(moved).toBeLessThan(0x4400);
    expect(harness.firmware.diagnostics().expectedSeq).toBe(second.nextSeq);
  });

  it('refuses commands before HELLO with NOT_CONNECTED and changes nothing', () => {
    const harness = idleHarness();
    harness.sendFrame('SET_DEPTH', 0, { depthUm: 500 });
    harness.step();
    expect(nak(harness.answerFor(0))).toEqual(nakOf(0, MESSAGES.SET_DEPTH.type, Reason.NOT_CONNECTED, 0));
    expect(harness.firmware.diagnostics().targetDepthUm).toBe(0);
  });

  it('S15: a v1 HELLO is answered by INFO (version 2) and its commands by NAK PROTOCOL_UNSUPPORTED, acting on none', () => {
    const harness = idleHarness();
    const info = harness.connect(1);
    expect(info.protocolVersion).toBe(2);
    expect(harness.firmware.diagnostics().connected).toBe(false);
    expect(nak(harness.command('SET_DEPTH', { depthUm: 800 })).reason).toBe(Reason.PROTOCOL_UNSUPPORTED);
    expect(nak(harness.command('ARM', {})).reason).toBe(Reason.PROTOCOL_UNSUPPORTED);
    expect(harness.firmware.diagnostics()).toMatchObject({ state: PenState.IDLE, targetDepthUm: 0 });
    harness.connect(2);
    expect(harness.command('SET_SPEED', { strokeHz: 80 }).name).toBe('ACK');
  });

  it('HELLO while armed stops the drive with STOP_LINK_RESET', () => {
    const harness = idleHarness();
    harness.arm(500);
    harness.step(10);
    harness.take();
    const info = harness.connect();
    expect(info.state).toBe(PenState.IDLE);
    const diagnostics = harness.firmware.diagnostics();
    expect(diagnostics.state).toBe(PenState.IDLE);
    expect(diagnostics.lastStopReason).toBe(Reason.STOP_LINK_RESET);
    expect(harness.hardware.motorCommandHz).toBe(0);
    expect(harness.hardware.actuatorSetpointUm).toBe(0);
    expect(harness.log.filter((m) => m.name === 'EVENT_STOPPED').map((m) => m.payload)).toEqual([
      { deviceTickMs: harness.nowMs(), reason: Reason.STOP_LINK_RESET },
    ]);
  });
});

describe('sequencing', () => {
  it('acts only on the expected seq; any other gets SEQUENCE_UNEXPECTED with expectedSeq and changes nothing', () => {
    const harness = idleHarness();
    const { nextSeq } = harness.connect();
    harness.sendFrame('SET_DEPTH', (nextSeq + 1) & 0xffff, { depthUm: 700 });
    harness.step();
    expect(nak(harness.answerFor((nextSeq + 1) & 0xffff))).toEqual(
      nakOf((nextSeq + 1) & 0xffff, MESSAGES.SET_DEPTH.type, Reason.SEQUENCE_UNEXPECTED, nextSeq),
    );
    expect(harness.firmware.diagnostics().targetDepthUm).toBe(0);
    const answer = harness.command('SET_DEPTH', { depthUm: 700 });
    expect(answer.payload).toEqual(ackOf('SET_DEPTH', nextSeq, Reason.NONE, 700));
    expect(harness.firmware.diagnostics().expectedSeq).toBe((nextSeq + 1) & 0xffff);
  });

  it('S15: a duplicate gets its stored answer re-sent and nothing else', () => {
    const harness = idleHarness();
    const { nextSeq } = harness.connect();
    harness.command('SET_DEPTH', { depthUm: 500 });
    harness.command('SET_DEPTH', { depthUm: 300 });
    harness.take();
    harness.sendFrame('SET_DEPTH', nextSeq, { depthUm: 500 });
    harness.step();
    expect(harness.take().map((m) => [m.name, m.payload])).toEqual([['ACK', ackOf('SET_DEPTH', nextSeq, 0, 500)]]);
    expect(harness.firmware.diagnostics().targetDepthUm).toBe(300);
    expect(harness.firmware.diagnostics().expectedSeq).toBe((nextSeq + 2) & 0xffff);
  });

  it('S15: a recent seq carried by a different frame is refused SEQUENCE_REUSED, never answered with the old ACK', () => {
    const harness = idleHarness();
    const { nextSeq } = harness.connect();
    harness.command('SET_DEPTH', { depthUm: 500 });
    harness.take();
    harness.sendFrame('ARM', nextSeq, {});
    harness.sendFrame('SET_DEPTH', nextSeq, { depthUm: 550 });
    harness.step(2);
    expect(harness.take().map((m) => m.payload)).toEqual([
      nakOf(nextSeq, MESSAGES.ARM.type, Reason.SEQUENCE_REUSED, (nextSeq + 1) & 0xffff),
      nakOf(nextSeq, MESSAGES.SET_DEPTH.type, Reason.SEQUENCE_REUSED, (nextSeq + 1) & 0xffff),
    ]);
    expect(harness.firmware.diagnostics()).toMatchObject({
      state: PenState.IDLE,
      targetDepthUm: 500,
      expectedSeq: (nextSeq + 1) & 0xffff,
    });
  });

  it('S15: a duplicate of a refused command gets the same NAK again', () => {
    const harness = idleHarness();
    const { nextSeq } = harness.connect();
    expect(nak(harness.command('RESET_FAULT', {})).reason).toBe(Reason.NO_FAULT);
    harness.take();
    harness.sendFrame('RESET_FAULT', nextSeq, {});
    harness.step();
    expect(nak(harness.answerFor(nextSeq))).toEqual(
      nakOf(nextSeq, MESSAGES.RESET_FAULT.type, Reason.NO_FAULT, (nextSeq + 1) & 0xffff),
    );
  });

  it('remembers exactly the last 8 answers', () => {
    const harness = idleHarness();
    const { nextSeq } = harness.connect();
    for (let i = 0; i < 9; i++) harness.command('HEARTBEAT', {});
    harness.take();
    harness.sendFrame('HEARTBEAT', (nextSeq + 1) & 0xffff, {});
    harness.sendFrame('HEARTBEAT', nextSeq, {});
    harness.step(2);
    expect(harness.answerFor((nextSeq + 1) & 0xffff)?.name).toBe('ACK');
    expect(nak(harness.answerFor(nextSeq)).reason).toBe(Reason.SEQUENCE_UNEXPECTED);
  });

  it('S15: frames replayed from an earlier link session after a new HELLO change nothing', () => {
    const harness = idleHarness();
    const { nextSeq } = harness.connect();
    const recorded = [
      slipEncode(encodeFrame('SET_DEPTH', nextSeq, { depthUm: 2000 })),
      slipEncode(encodeFrame('SET_SPEED', (nextSeq + 1) & 0xffff, { strokeHz: 150 })),
      slipEncode(encodeFrame('ARM', (nextSeq + 2) & 0xffff, {})),
    ];
    for (const bytes of recorded) harness.sendBytes(bytes);
    harness.step(3);
    harness.sendFrame('DISARM', (nextSeq + 3) & 0xffff, {});
    harness.step(1);
    harness.connect();
    harness.command('SET_DEPTH', { depthUm: 250 });
    harness.take();
    for (const bytes of recorded) harness.sendBytes(bytes);
    harness.step(5);
    const answers = harness.take();
    expect(answers.map((m) => m.name === 'NAK' && m.payload.reason)).toEqual([
      Reason.SEQUENCE_UNEXPECTED,
      Reason.SEQUENCE_UNEXPECTED,
      Reason.SEQUENCE_UNEXPECTED,
    ]);
    const diagnostics = harness.firmware.diagnostics();
    expect(diagnostics.state).toBe(PenState.IDLE);
    expect(diagnostics.targetDepthUm).toBe(250);
    expect(diagnostics.targetStrokeHz).toBe(DEFAULT_STROKE_HZ);
  });

  it('wraps the sequence number from 0xffff to 0', () => {
    const harness = idleHarness();
    do harness.connect();
    while (harness.nextSeq < 0xc000 || harness.nextSeq > 0xfffe);
    while (harness.nextSeq !== 0xfffe) harness.command('HEARTBEAT', {});
    expect(harness.command('HEARTBEAT', {}).payload).toEqual(ackOf('HEARTBEAT', 0xfffe));
    expect(harness.command('HEARTBEAT', {}).payload).toEqual(ackOf('HEARTBEAT', 0xffff));
    expect(harness.command('HEARTBEAT', {}).payload).toEqual(ackOf('HEARTBEAT', 0));
  });

  it('stamps pen-to-host frames with its own consecutive transmit counter', () => {
    const harness = idleHarness();
    harness.connect();
    harness.command('SET_TELEMETRY', { rateHz: 1000 });
    harness.step(20);
    const seqs = harness.log.map((m) => m.seq);
    expect(seqs).toEqual(seqs.map((_, index) => index));
  });
});

describe('command queue', () => {
  it('holds 8 commands; the 9th arriving before a tick gets QUEUE_FULL at once; the 8 are answered in order', () => {
    const harness = idleHarness();
    const { nextSeq } = harness.connect();
    for (let i = 0; i < 9; i++) harness.sendFrame('HEARTBEAT', (nextSeq + i) & 0xffff, {});
    expect(harness.take().map((m) => [m.name, m.payload])).toEqual([
      ['NAK', nakOf((nextSeq + 8) & 0xffff, MESSAGES.HEARTBEAT.type, Reason.QUEUE_FULL, nextSeq)],
    ]);
    expect(harness.firmware.diagnostics().queueLength).toBe(8);
    harness.step(8);
    expect(harness.take().map((m) => m.name === 'ACK' && m.payload.ackedSeq)).toEqual(
      Array.from({ length: 8 }, (_, i) => (nextSeq + i) & 0xffff),
    );
  });
});

describe('S8 S14: refused and dropped frames', () => {
  it('answers good-CRC frames with the decoder reason and changes nothing', () => {
    const harness = idleHarness();
    const { nextSeq } = harness.connect();
    const s = (offset: number): number => (nextSeq + offset) & 0xffff;
    harness.sendBytes(slipEncode(rawFrame(s(0), 0x11, [0x28, 0x0a]))); // SET_DEPTH 2600
    harness.sendBytes(slipEncode(rawFrame(s(1), 0x12, [151, 0]))); // SET_SPEED 151
    harness.sendBytes(slipEncode(rawFrame(s(2), 0x17, [0xe9, 0x03]))); // SET_TELEMETRY 1001
    harness.sendBytes(slipEncode(rawFrame(s(3), 0x11, [0x10]))); // SET_DEPTH, 1-byte payload
    harness.sendBytes(slipEncode(rawFrame(s(4), 0x1f, []))); // unknown command id
    harness.step(5);
    expect(harness.take().map((m) => [m.name, m.payload])).toEqual([
      ['NAK', nakOf(s(0), 0x11, Reason.DEPTH_OUT_OF_RANGE, s(1))],
      ['NAK', nakOf(s(1), 0x12, Reason.SPEED_OUT_OF_RANGE, s(2))],
      ['NAK', nakOf(s(2), 0x17, Reason.TELEMETRY_RATE_OUT_OF_RANGE, s(3))],
      ['NAK', nakOf(s(3), 0x11, Reason.PAYLOAD_LENGTH, s(4))],
      ['NAK', nakOf(s(4), 0x1f, Reason.UNKNOWN_TYPE, s(5))],
    ]);
    const diagnostics = harness.firmware.diagnostics();
    expect([diagnostics.targetDepthUm, diagnostics.targetStrokeHz, diagnostics.telemetryRateHz]).toEqual([
      0,
      DEFAULT_STROKE_HZ,
      0,
    ]);
  });

  it('refuses a pen-to-host message, a realtime frame with a payload and an unknown non-command id at once', () => {
    const harness = idleHarness();
    const { nextSeq } = harness.connect();
    harness.sendFrame('EVENT_STOPPED', 5, { deviceTickMs: 1, reason: Reason.STOP_HOST });
    harness.sendBytes(slipEncode(rawFrame(6, MESSAGES.STOP.type, [1])));
    harness.sendBytes(slipEncode(rawFrame(7, 0x7e, [])));
    expect(harness.take().map((m) => m.payload)).toEqual([
      nakOf(5, MESSAGES.EVENT_STOPPED.type, Reason.WRONG_DIRECTION, nextSeq),
      nakOf(6, MESSAGES.STOP.type, Reason.PAYLOAD_LENGTH, nextSeq),
      nakOf(7, 0x7e, Reason.UNKNOWN_TYPE, nextSeq),
    ]);
    expect(harness.firmware.diagnostics().refusedFrames).toBe(3);
  });

  it('drops frames failing SLIP, length or CRC unanswered, counted by reason', () => {
    const harness = idleHarness();
    const { nextSeq } = harness.connect();
    const good = encodeFrame('SET_DEPTH', nextSeq, { depthUm: 500 });
    const badCrc = good.slice();
    badCrc[4] = (badCrc[4] as number) ^ 1;
    const badLength = good.slice();
    badLength[0] = 9;
    harness.sendBytes(slipEncode(badCrc));
    harness.sendBytes(slipEncode(badLength));
    harness.sendBytes(slipEncode(good.subarray(0, 5)));
    harness.sendBytes(slipEncode(new Uint8Array(70)));
    harness.sendBytes(new Uint8Array([0xc0, 0x01, 0xdb, 0x01, 0xc0]));
    harness.step(3);
    expect(harness.take()).toEqual([]);
    expect(harness.firmware.dropCount(Reason.FRAME_BAD_CRC)).toBe(1);
    expect(harness.firmware.dropCount(Reason.FRAME_LENGTH_MISMATCH)).toBe(1);
    expect(harness.firmware.dropCount(Reason.FRAME_TRUNCATED)).toBe(1);
    expect(harness.firmware.dropCount(Reason.FRAME_OVERSIZE)).toBe(1);
    expect(harness.firmware.dropCount(Reason.FRAME_BAD_ESCAPE)).toBe(1);
    expect(harness.firmware.diagnostics().droppedFrames).toBe(5);
    expect(harness.command('SET_DEPTH', { depthUm: 500 }).payload).toEqual(ackOf('SET_DEPTH', nextSeq, 0, 500));
  });

  it('S14: random bytes never crash the pen and never make it act', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 80 }), { maxLength: 20 }), (chunks) => {
        const harness = new FirmwareHarness();
        harness.boot();
        harness.connect();
        harness.take();
        for (const chunk of chunks) {
          harness.sendBytes(chunk);
          harness.step();
        }
        const diagnostics = harness.firmware.diagnostics();
        expect(diagnostics.state).toBe(PenState.IDLE);
        expect(diagnostics.targetDepthUm).toBe(0);
        expect(harness.hardware.motorCommandHz).toBe(0);
        expect(harness.take().filter((m) => m.name === 'ACK')).toEqual([]);
      }),
      { seed: 1414, numRuns: 60 },
    );
  });

  it('S14: the same bytes give the same answers whatever the read split', () => {
    const run = (splits: readonly number[]): unknown[] => {
      const harness = idleHarness();
      const { nextSeq } = harness.connect();
      const stream = Uint8Array.from([
        ...[0x00, 0xc0, 0xdb, 0x17],
        ...slipEncode(encodeFrame('SET_DEPTH', nextSeq, { depthUm: 1234 })),
        ...slipEncode(encodeFrame('STATUS_REQUEST', 1, {})),
        ...slipEncode(rawFrame((nextSeq + 1) & 0xffff, 0x12, [200, 0])),
        ...slipEncode(encodeFrame('SET_SPEED', (nextSeq + 2) & 0xffff, { strokeHz: 77 })),
      ]);
      let start = 0;
      for (const split of [...splits].sort((a, b) => a - b)) {
        harness.sendBytes(stream.subarray(start, Math.max(start, split)));
        start = Math.max(start, split);
      }
      harness.sendBytes(stream.subarray(start));
      harness.step(4);
      return harness.take().map((m) => [m.name, m.name === 'STATUS' ? m.payload.state : m.payload]);
    };
    const whole = run([]);
    expect(whole.length).toBe(4);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 60 }), { maxLength: 12 }), (splits) => {
        expect(run(splits)).toEqual(whole);
      }),
      { seed: 99, numRuns: 60 },
    );
  });
});
