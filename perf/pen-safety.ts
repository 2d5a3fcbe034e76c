// Pen safety figures on the simulated pen: STOP races, lease time-to-safe, STOP behind a realtime flood, limiter trip, tick allocation.
import { createFirmware } from '../firmware/pen-firmware.js';
import { encodeConfigBlock } from '../firmware/config.js';
import type { CartridgeReading, PenHardware } from '../firmware/hal.js';
import { SimulatedPen } from '../sim/index.js';
import { LEASE_MS } from '../src/limits/index.js';
import {
  MAX_FRAME_BYTES,
  MESSAGES,
  PROTOCOL_VERSION,
  SlipStreamDecoder,
  Sku,
  decodeFrame,
  encodeFrame,
  slipEncode,
  type Message,
  type MessageName,
  type Payload,
  type SkuCode,
} from '../src/protocol/index.js';
import { figureOf, type Figure } from './stats.js';

/** One pen driven frame by frame in virtual time, decoding what it sends. */
class Bench {
  readonly pen: SimulatedPen;
  readonly received: Message[] = [];
  seq = 0;
  private readonly decoder = new SlipStreamDecoder(MAX_FRAME_BYTES, (frame) => {
    const result = decodeFrame(frame);
    if (result.ok) this.received.push(result.message);
  });

  constructor(sku: SkuCode, seed: number, leaseMs = LEASE_MS) {
    this.pen = new SimulatedPen({
      seed,
      configBlock: encodeConfigBlock({ sku, serialNumber: seed, leaseMs }),
      createFirmware,
      cartridge: { id: 77, needleCount: 12 },
    });
  }

  step(ms = 1): void {
    for (let i = 0; i < ms; i++) {
      this.pen.step();
      const bytes = this.pen.takeTransmitted();
      if (bytes !== null) this.decoder.push(bytes);
    }
  }

  frame<N extends MessageName>(name: N, payload: Payload<N>, seq = this.seq++): Uint8Array {
    return slipEncode(encodeFrame(name, seq & 0xffff, payload));
  }

  deliver(bytes: Uint8Array): void {
    this.pen.deliverToPen(bytes);
  }

  /** Boots (self-test and homing from at most 150 um take under 200 ms), connects and sets a depth and rate. */
  ready(depthUm: number): void {
    this.step(200);
    this.deliver(this.frame('HELLO', { protocolVersion: PROTOCOL_VERSION }, 0));
    this.step(2);
    const info = this.received.filter((m) => m.name === 'INFO').at(-1);
    if (info?.name !== 'INFO') throw new Error('no INFO');
    this.seq = info.payload.nextSeq;
    this.deliver(this.frame('SET_DEPTH', { depthUm }));
    this.deliver(this.frame('SET_SPEED', { strokeHz: 100 }));
    this.step(3);
  }

  get motorHz(): number {
    return this.pen.hardware.motor.commandHz;
  }
}

export interface PenSafetyRun {
  /** STOP/ESTOP behind 1-9 pipelined commands (ARM at every position), 5 gaps, 4 read splits, armed or not. */
  readonly stopRaceInterleavings: number;
  /** Interleavings in which the motor was commanded on after the STOP was processed (must be 0). */
  readonly motorRunsAfterStop: number;
  /** Ticks with the motor on after the STOP, summed over all interleavings. */
  readonly motorOnTicksAfterStop: number;
  readonly leaseHome: { readonly motorOffMs: Figure; readonly retractedMs: Figure };
  readonly leasePro: { readonly motorOffMs: Figure; readonly retractedMs: Figure };
  /** Wall time of the receive that carries 1000 STATUS_REQUESTs then STOP, until it returns (the STOP is acted on in it), us. */
  readonly stopBehindFloodUs: Figure;
  /** Ticks from delivering the flood + STOP to the motor off (0: in the same receive). */
  readonly stopBehindFloodTicks: number;
  /** Runaway at 1, 5, 20 um/ms under a 500 um session limit: ticks from physical depth > 553 um to the latch, and the peak. */
  readonly limiterTrip: readonly { umPerMs: number; tripTicks: number; fault: number; peakUm: number }[];
  /** Heap bytes per tick of the firmware, armed at 1 kHz telemetry, on an integer board (needs --expose-gc; -1 without). */
  readonly tickHeapBytes: number;
}

type Split = 'one' | 'beforeStop' | 'bytes' | 'thirds';
const SPLITS: readonly Split[] = ['one', 'beforeStop', 'bytes', 'thirds'];
const GAPS_MS = [0, 1, 2, 5, 10] as const;

function chunksOf(stream: Uint8Array, stopStart: number, split: Split): Uint8Array[] {
  if (split === 'one') return [stream];
  if (split === 'beforeStop') return [stream.subarray(0, stopStart), stream.subarray(stopStart)];
  if (split === 'bytes') return Array.from(stream, (_, i) => stream.subarray(i, i + 1));
  const third = Math.ceil(stream.length / 3);
  return [stream.subarray(0, third), stream.subarray(third, 2 * third), stream.subarray(2 * third)];
}

function stopRaces(): { interleavings: number; runs: number; ticks: number } {
  let interleavings = 0;
  let runs = 0;
  let ticks = 0;
  for (const stop of ['STOP', 'ESTOP'] as const) {
    for (const startArmed of [false, true]) {
      for (let before = 1; before <= 9; before++) {
        for (let armAt = 0; armAt < before; armAt++) {
          for (const gapMs of GAPS_MS) {
            for (const split of SPLITS) {
              const bench = new Bench(Sku.HOME, interleavings + 1);
              bench.ready(250);
              if (startArmed) {
                bench.deliver(bench.frame('ARM', {}));
                bench.step(2);
              }
              const frames: Uint8Array[] = [];
              for (let i = 0; i < before; i++) {
                frames.push(i === armAt ? bench.frame('ARM', {}) : bench.frame('HEARTBEAT', {}));
              }
              const stopStart = frames.reduce((sum, frame) => sum + frame.length, 0);
              frames.push(bench.frame(stop, {}, bench.seq));
              const stream = Uint8Array.from(frames.flatMap((frame) => [...frame]));
              const chunks = chunksOf(stream, stopStart, split);
              let delivered = 0;
              let onTicks = 0;
              for (const chunk of chunks) {
                bench.deliver(chunk);
                delivered += chunk.length;
                const stopProcessed = delivered === stream.length;
                if (stopProcessed && bench.motorHz > 0) onTicks++;
                for (let ms = 0; ms < (chunk.length === 1 ? 0 : gapMs); ms++) {
                  bench.step();
                  if (stopProcessed && bench.motorHz > 0) onTicks++;
                }
              }
              for (let ms = 0; ms < 30; ms++) {
                bench.step();
                if (bench.motorHz > 0) onTicks++;
              }
              interleavings++;
              ticks += onTicks;
              if (onTicks > 0) runs++;
            }
          }
        }
      }
    }
  }
  return { interleavings, runs, ticks };
}

function leaseTimes(sku: SkuCode, depthUm: number): { motorOffMs: Figure; retractedMs: Figure } {
  const off: number[] = [];
  const retracted: number[] = [];
  for (let phase = 0; phase < 12; phase++) {
    const bench = new Bench(sku, 100 + phase);
    bench.ready(depthUm);
    bench.deliver(bench.frame('ARM', {}));
    for (let i = 0; i < 16; i++) {
      bench.step(30 + phase);
      bench.deliver(bench.frame('HEARTBEAT', {}));
    }
    let offMs = -1;
    let retractedMs = -1;
    for (let ms = 1; ms <= 1000 && retractedMs < 0; ms++) {
      bench.step();
      if (offMs < 0 && bench.motorHz === 0) offMs = ms;
      if (retractedMs < 0 && bench.pen.hardware.actuator.physicalUm <= 0) retractedMs = ms;
    }
    off.push(offMs);
    retracted.push(retractedMs);
  }
  return { motorOffMs: figureOf(off), retractedMs: figureOf(retracted) };
}

function stopBehindFlood(): { us: Figure; ticks: number } {
  const wallUs: number[] = [];
  let ticks = 0;
  for (let run = 0; run < 30; run++) {
    const bench = new Bench(Sku.HOME, 500 + run);
    bench.ready(250);
    bench.deliver(bench.frame('ARM', {}));
    bench.step(20);
    const request = bench.frame('STATUS_REQUEST', {}, 0);
    const flood = new Uint8Array(request.length * 1000 + 8);
    for (let i = 0; i < 1000; i++) flood.set(request, i * request.length);
    const stop = bench.frame('STOP', {}, 0);
    const bytes = Uint8Array.from([...flood.subarray(0, request.length * 1000), ...stop]);
    const startMs = performance.now();
    bench.deliver(bytes);
    wallUs.push((performance.now() - startMs) * 1000);
    let waited = 0;
    while (bench.motorHz > 0 && waited < 100) {
      bench.step();
      waited++;
    }
    ticks = Math.max(ticks, waited);
  }
  return { us: figureOf(wallUs.slice(5)), ticks };
}

function limiterTrips(): PenSafetyRun['limiterTrip'] {
  const hasSessionLimit = Object.hasOwn(MESSAGES, 'SET_DEPTH_LIMIT');
  return [1, 5, 20].map((umPerMs) => {
    const bench = new Bench(Sku.PRO, 900 + umPerMs);
    bench.ready(500);
    if (hasSessionLimit) bench.deliver(bench.frame('SET_DEPTH_LIMIT' as MessageName, { limitUm: 500 } as never));
    bench.deliver(bench.frame('ARM', {}));
    for (let i = 0; i < 8; i++) {
      bench.step(40);
      bench.deliver(bench.frame('HEARTBEAT', {}));
    }
    bench.pen.hardware.actuator.startRunaway(umPerMs);
    let passedAt = -1;
    let peakUm = 0;
    for (let ms = 0; ms < 3000; ms++) {
      bench.step();
      const depthUm = bench.pen.hardware.actuator.physicalUm;
      peakUm = Math.max(peakUm, depthUm);
      if (passedAt < 0 && depthUm > 553) passedAt = ms;
      const fault = bench.received.find((m) => m.name === 'EVENT_FAULT');
      if (fault?.name === 'EVENT_FAULT') {
        return { umPerMs, tripTicks: passedAt < 0 ? 0 : ms - passedAt, fault: fault.payload.faultCode, peakUm };
      }
    }
    return { umPerMs, tripTicks: -1, fault: 0, peakUm };
  });
}

/** An ideal pen board in integers (no doubles, no copies): what is left allocating is the firmware. */
class IntegerBoard implements PenHardware {
  positionUm = 0;
  setpointUm = 0;
  motorHz = 0;
  strokes = 0;
  private strokeMilli = 0;
  private readonly block: Uint8Array;

  constructor(leaseMs: number) {
    this.block = encodeConfigBlock({ sku: Sku.PRO, serialNumber: 7, leaseMs });
  }

  stepPhysics(): void {
    const errorUm = this.setpointUm - this.positionUm;
    this.positionUm += errorUm > 20 ? 20 : errorUm < -20 ? -20 : errorUm;
    this.strokeMilli += this.motorHz;
    if (this.strokeMilli >= 1000) {
      this.strokes++;
      this.strokeMilli -= 1000;
    }
  }
  setDepthActuatorUm(targetUm: number): void {
    this.setpointUm = targetUm | 0;
  }
  readDepthEncoderUm(): number {
    return this.positionUm;
  }
  zeroDepthEncoder(): void {}
  readHomeSwitch(): boolean {
    return this.positionUm <= 0;
  }
  setMotorStrokeHz(strokeHz: number): void {
    this.motorHz = strokeHz | 0;
  }
  readStrokeCounter(): number {
    return this.strokes;
  }
  readMotorCurrentMa(): number {
    return this.motorHz > 0 ? 200 : 0;
  }
  readSkinContact(): boolean {
    return false;
  }
  readBatteryMv(): number {
    return 4000;
  }
  readCartridge(): CartridgeReading | null {
    return CARTRIDGE;
  }
  readConfigBlock(): Uint8Array {
    return this.block;
  }
  uartWrite(): void {}
}

const CARTRIDGE: CartridgeReading = { id: 77, needleCount: 12 };

/**
 * Heap growth per tick of the firmware alone on the integer board: armed (2 s lease) at 1 kHz
 * telemetry, 8 rounds of 1000 ticks after a GC, a heartbeat between rounds; the smallest round.
 * About 0 means the tick path allocates nothing. -1 without --expose-gc.
 */
function tickHeapBytes(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) return -1;
  const board = new IntegerBoard(2000);
  let tick = 0;
  const clock = { nowTick: () => tick, nowMs: () => tick };
  const firmware = createFirmware(board, clock);
  const step = (): void => {
    tick++;
    board.stepPhysics();
    firmware.tick();
  };
  let seq = 0;
  const send = (name: MessageName, payload: object): void =>
    firmware.onUartReceive(slipEncode(encodeFrame(name, seq++ & 0xffff, payload as never)));
  for (let i = 0; i < 300; i++) step();
  send('HELLO', { protocolVersion: PROTOCOL_VERSION });
  step();
  seq = (firmware as unknown as { diagnostics(): { expectedSeq: number } }).diagnostics().expectedSeq;
  for (const [name, payload] of [
    ['SET_DEPTH', { depthUm: 1000 }],
    ['SET_TELEMETRY', { rateHz: 1000 }],
    ['ARM', {}],
  ] as const) {
    send(name, payload);
    step();
  }
  let least = Infinity;
  for (let round = 0; round < 8; round++) {
    send('HEARTBEAT', {});
    for (let i = 0; i < 500; i++) step();
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 1000; i++) step();
    least = Math.min(least, (process.memoryUsage().heapUsed - before) / 1000);
  }
  if (board.motorHz === 0) throw new Error('the pen stopped during the allocation measurement');
  return least;
}

/** Runs every pen safety measurement once (virtual time; the flood figure is wall time). */
export function measurePenSafety(): PenSafetyRun {
  const races = stopRaces();
  const flood = stopBehindFlood();
  return {
    stopRaceInterleavings: races.interleavings,
    motorRunsAfterStop: races.runs,
    motorOnTicksAfterStop: races.ticks,
    leaseHome: leaseTimes(Sku.HOME, 250),
    leasePro: leaseTimes(Sku.PRO, 2500),
    stopBehindFloodUs: flood.us,
    stopBehindFloodTicks: flood.ticks,
    limiterTrip: limiterTrips(),
    tickHeapBytes: tickHeapBytes(),
  };
}

const range = (figure: Figure): string =>
  `${Math.round(figure.min)} / ${Math.round(figure.median)} / ${Math.round(figure.max)}`;

/** The figures as lines for the benchmark report. */
export function formatPenSafety(run: PenSafetyRun): string {
  const trips = run.limiterTrip.map((t) => `${t.umPerMs} um/ms: ${t.tripTicks} ticks, peak ${t.peakUm} um`);
  return [
    'pen safety (simulated pen, virtual time unless stated; min / median / max):',
    `- STOP races: ${run.stopRaceInterleavings} interleavings, motor ran after the STOP in ${run.motorRunsAfterStop} (${run.motorOnTicksAfterStop} motor-on ticks)`,
    `- lease lapse, home at 250 um: motor off ${range(run.leaseHome.motorOffMs)} ms, retracted ${range(run.leaseHome.retractedMs)} ms after the last heartbeat`,
    `- lease lapse, pro at 2500 um: motor off ${range(run.leasePro.motorOffMs)} ms, retracted ${range(run.leasePro.retractedMs)} ms`,
    `- STOP behind 1000 STATUS_REQUESTs in one read: motor off ${run.stopBehindFloodTicks} ticks after it; the read takes ${range(run.stopBehindFloodUs)} us (wall)`,
    `- limiter at a 500 um session limit, runaway ${trips.join('; ')} (OVER_DEPTH after depth > 553 um)`,
    `- firmware heap growth per tick, armed at 1 kHz telemetry: ${run.tickHeapBytes.toFixed(2)} bytes`,
  ].join('\n');
}
