// In real time over a socat pty: a STOP discards commands queued before it and is never delayed by a realtime flood (S13, S14).
import { afterEach, expect, it } from 'vitest';
import { startRealtimePen, type RealtimePen } from '../../sim/realtime-pen.js';
import { PenState, PROTOCOL_VERSION, Reason, Sku, encodeFrame, slipEncode } from '../../src/protocol/index.js';
import { tempDir } from '../support/cli.js';
import { RawHost, openPtyPair, type PtyPair } from '../support/pty-pair.js';
import { describeWithPrograms } from '../support/system-programs.js';
import { closePenPort, openPenPort } from '../../src/wiring/open-port.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const frame = (name: 'ARM' | 'SET_SPEED' | 'HEARTBEAT' | 'STOP' | 'ESTOP', seq: number): Uint8Array =>
  slipEncode(encodeFrame(name, seq, (name === 'SET_SPEED' ? { strokeHz: 100 } : {}) as never));

let pen: RealtimePen | undefined;
let pair: PtyPair | undefined;
afterEach(async () => {
  pen?.stop();
  await pair?.kill();
});

/** How the pipelined commands and the STOP reach the port. */
type Pattern = { readonly before: number; readonly gapMs: number; readonly stop: 'STOP' | 'ESTOP' };

const PATTERNS: readonly Pattern[] = [
  { before: 0, gapMs: 0, stop: 'STOP' }, // ARM and STOP in one write
  { before: 3, gapMs: 0, stop: 'STOP' }, // the end of a pipelined burst of 4
  { before: 7, gapMs: 0, stop: 'STOP' }, // behind a full queue
  { before: 0, gapMs: 2, stop: 'STOP' },
  { before: 3, gapMs: 5, stop: 'STOP' },
  { before: 7, gapMs: 10, stop: 'STOP' },
  { before: 0, gapMs: 0, stop: 'ESTOP' },
  { before: 7, gapMs: 3, stop: 'ESTOP' },
];

describeWithPrograms(['socat'], 'STOP over a real pty, in real time', () => {
  it('S13: over 24 real-time races (one write, 0-10 ms apart, behind a full queue) the motor never runs after the STOP is processed', async () => {
    pair = await openPtyPair(tempDir('mnpen-race-'));
    const penPort = await openPenPort({ kind: 'path', path: pair.penPath });
    pen = startRealtimePen({ port: penPort, sku: Sku.HOME, seed: 3, cartridge: { id: 31, needleCount: 12 } });
    await sleep(1200);
    const host = await RawHost.open(pair.hostPath);
    const motor = pen.pen.hardware.motor;
    let violations = 0;
    let races = 0;
    for (let round = 0; round < 3; round++) {
      for (const pattern of PATTERNS) {
        const from = host.received.length;
        host.send('HELLO', 0, { protocolVersion: PROTOCOL_VERSION });
        const info = await host.waitFor((m) => m.name === 'INFO', 2000, from);
        if (info.name !== 'INFO') throw new Error('no INFO');
        if (info.payload.state === PenState.FAULT) {
          host.send('RESET_FAULT', info.payload.nextSeq, {});
          host.send('HOME', (info.payload.nextSeq + 1) & 0xffff, {});
          await sleep(150);
          continue;
        }
        let seq = info.payload.nextSeq;
        host.send('SET_DEPTH', seq++, { depthUm: 250 });
        await host.waitFor((m) => m.name === 'ACK', 1000, from);
        const burst: Uint8Array[] = [];
        for (let i = 0; i < pattern.before; i++) burst.push(frame(i % 2 === 0 ? 'SET_SPEED' : 'HEARTBEAT', seq++));
        burst.push(frame('ARM', seq++));
        const stop = frame(pattern.stop, seq);
        if (pattern.gapMs === 0) host.write(Buffer.concat([...burst, stop]));
        else {
          host.write(Buffer.concat(burst));
          await sleep(pattern.gapMs);
          host.write(stop);
        }
        await host.waitFor((m) => m.name === 'ACK' && m.payload.ackedSeq === seq, 2000, from);
        races++;
        for (let t = 0; t < 20; t++) {
          if (motor.commandHz > 0) violations++;
          await sleep(5);
        }
        if (pattern.stop === 'ESTOP') {
          host.send('HELLO', 0, { protocolVersion: PROTOCOL_VERSION });
          const again = await host.waitFor((m) => m.name === 'INFO', 2000, host.received.length - 1);
          if (again.name === 'INFO') {
            host.send('RESET_FAULT', again.payload.nextSeq, {});
            host.send('HOME', (again.payload.nextSeq + 1) & 0xffff, {});
          }
          await sleep(150);
        }
      }
    }
    expect(races).toBe(24);
    expect(violations).toBe(0);
    await host.close();
    await closePenPort(penPort);
  }, 60_000);

  it('S14: behind 1000 STATUS_REQUESTs the STOP acts, and a few STATUS frames (at most one per tick) answer them, not 1000', async () => {
    pair = await openPtyPair(tempDir('mnpen-flood-'));
    const penPort = await openPenPort({ kind: 'path', path: pair.penPath });
    pen = startRealtimePen({ port: penPort, sku: Sku.HOME, seed: 4, cartridge: { id: 32, needleCount: 12 } });
    await sleep(1200);
    const host = await RawHost.open(pair.hostPath);
    host.send('HELLO', 0, { protocolVersion: PROTOCOL_VERSION });
    const info = await host.waitFor((m) => m.name === 'INFO');
    const seq = info.name === 'INFO' ? info.payload.nextSeq : 0;
    host.send('SET_DEPTH', seq, { depthUm: 250 });
    host.send('ARM', (seq + 1) & 0xffff, {});
    host.send('HEARTBEAT', (seq + 2) & 0xffff, {});
    await host.waitFor((m) => m.name === 'ACK' && m.payload.ackedSeq === ((seq + 2) & 0xffff));
    expect(pen.pen.hardware.motor.commandHz).toBeGreaterThan(0);
    const from = host.received.length;
    const request = slipEncode(encodeFrame('STATUS_REQUEST', 0, {}));
    host.write(Buffer.concat([...Array.from({ length: 1000 }, () => request), frame('STOP', (seq + 3) & 0xffff)]));
    await host.waitFor((m) => m.name === 'ACK' && m.payload.ackedSeq === ((seq + 3) & 0xffff), 2000, from);
    await sleep(200);
    const after = host.received.slice(from);
    expect(pen.pen.hardware.motor.commandHz).toBe(0);
    expect(after.find((m) => m.name === 'EVENT_STOPPED')).toMatchObject({ payload: { reason: Reason.STOP_HOST } });
    const statuses = after.filter((m) => m.name === 'STATUS').length;
    expect(statuses).toBeGreaterThanOrEqual(1);
    expect(statuses).toBeLessThan(50);
    await host.close();
    await closePenPort(penPort);
  }, 30_000);
});
