// Test harness: the real firmware in the simulator behind the mock binding, driven by raw frames over a SerialPortStream.
import { SerialPortStream } from '@serialport/stream';
import { PenSimulation } from '../../sim/index.js';
import { FrameReader } from '../../src/transport/index.js';
import {
  encodeFrame,
  PROTOCOL_VERSION,
  slipEncode,
  type Message,
  type MessageName,
  type Payload,
  type SkuCode,
} from '../../src/protocol/index.js';

export interface PenHarness {
  readonly sim: PenSimulation;
  readonly port: SerialPortStream;
  /** Every message received from the pen, in order. */
  readonly received: Message[];
  /** The next command seq (starts at INFO.nextSeq after hello()). */
  seq: number;
  /** Writes raw bytes to the port (already SLIP-framed). */
  writeRaw(bytes: Uint8Array): void;
  /** Sends one message with an explicit seq. */
  send<N extends MessageName>(name: N, seq: number, payload: Payload<N>): void;
  /** Sends a command with the next seq and advances virtual time until its ACK/NAK arrives (max 50 ms). */
  command<N extends MessageName>(name: N, payload: Payload<N>): Promise<Message>;
  /** HELLO, waits for INFO, adopts nextSeq. */
  hello(): Promise<Payload<'INFO'>>;
  /** Advances virtual time. */
  advance(ms: number): Promise<void>;
  /** Messages of one name received so far. */
  of<N extends MessageName>(name: N): Extract<Message, { name: N }>[];
  close(): Promise<void>;
}

export interface PenHarnessOptions {
  readonly seed?: number;
  readonly sku: SkuCode;
  readonly leaseMs?: number;
  readonly configBlock?: Uint8Array;
  readonly cartridge?: { id: number; needleCount: number } | null;
  readonly batteryPercent?: number;
}

/** Boots a simulated pen (homing included: 1 s of virtual time) and opens a real SerialPortStream to it. */
export async function openPenHarness(options: PenHarnessOptions): Promise<PenHarness> {
  const sim = PenSimulation.create({ seed: options.seed ?? 1, ...options });
  const port = new SerialPortStream({ binding: sim.binding, path: sim.portPath, baudRate: 115200, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((error) => (error ? reject(error) : resolve())));
  const received: Message[] = [];
  const reader = new FrameReader((message) => received.push(message));
  port.on('data', (chunk: Buffer) => reader.push(chunk));

  const harness: PenHarness = {
    sim,
    port,
    received,
    seq: 0,
    writeRaw: (bytes) => void port.write(Buffer.from(bytes)),
    send: (name, seq, payload) => void port.write(Buffer.from(slipEncode(encodeFrame(name, seq, payload)))),
    async command(name, payload) {
      const seq = harness.seq;
      harness.seq = (harness.seq + 1) & 0xffff;
      const sentAt = received.length;
      harness.send(name, seq, payload);
      const answered = (): Message | undefined =>
        received
          .slice(sentAt)
          .find(
            (m) =>
              (m.name === 'ACK' && m.payload.ackedSeq === seq) || (m.name === 'NAK' && m.payload.refusedSeq === seq),
          );
      await sim.runUntil(() => answered() !== undefined, 50);
      const answer = answered();
      if (answer === undefined) throw new Error(`${name} seq ${seq}: no answer within 50 ms`);
      return answer;
    },
    async hello() {
      const before = harness.of('INFO').length;
      harness.send('HELLO', 0, { protocolVersion: PROTOCOL_VERSION });
      await sim.runUntil(() => harness.of('INFO').length > before, 50);
      const info = harness.of('INFO')[before];
      if (info === undefined) throw new Error('no INFO within 50 ms');
      harness.seq = info.payload.nextSeq;
      return info.payload;
    },
    advance: (ms) => sim.advance(ms),
    of: <N extends MessageName>(name: N) => received.filter((m): m is Extract<Message, { name: N }> => m.name === name),
    async close() {
      await sim.close();
      if (port.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
    },
  };
  await sim.advance(1000);
  return harness;
}

/** Physical needle protrusion and drive outputs, read from the simulator's back door. */
export function physical(sim: PenSimulation): { depthUm: number; setpointUm: number; motorCommandHz: number } {
  const hardware = sim.pen.hardware;
  return {
    depthUm: hardware.actuator.physicalUm,
    setpointUm: hardware.actuator.commandedUm,
    motorCommandHz: hardware.motor.commandHz,
  };
}
