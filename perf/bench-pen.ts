// A lean scripted pen for host benchmarks: answers HELLO and commands, keeps no history, queues its frames.
import {
  MAX_FRAME_BYTES,
  MESSAGES,
  PROTOCOL_VERSION,
  PenState,
  SKU_MAX_DEPTH_UM,
  Sku,
  SlipStreamDecoder,
  TelemetryFlag,
  decodeFrame,
  encodeFrame,
  slipEncode,
  type MessageName,
  type Payload,
} from '../src/protocol/index.js';

/** Cartridge the bench pen reports in INFO. */
export const BENCH_CARTRIDGE = { id: 0x5eed_0001, needleCount: 12 } as const;

/**
 * The pen side of the link rules, reduced to what a benchmark needs: HELLO is answered by INFO
 * (moving the expected sequence by 0x4000), every command by ACK with its value, STOP and ESTOP
 * by ACK. Frames to the host are queued until `takeOutbox()` so the host never sees an answer
 * inside its own write (as on a wire). Memory stays flat: nothing is recorded but counters.
 */
export class BenchPen {
  /** Realtime STOP frames received. */
  stopsReceived = 0;
  commandsReceived = 0;
  private txSeq = 0;
  private expectedSeq = 0x0100;
  private outbox: Uint8Array[] = [];
  private readonly decoder = new SlipStreamDecoder(MAX_FRAME_BYTES, (frame) => this.handleFrame(frame));

  /** Host-to-pen bytes, any split. */
  receive(bytes: Uint8Array): void {
    this.decoder.push(bytes);
  }

  /** Encodes one SLIP frame with the pen's transmit counter as seq (not queued). */
  frame<N extends MessageName>(name: N, payload: Payload<N>): Uint8Array {
    const seq = this.txSeq;
    this.txSeq = (seq + 1) & 0xffff;
    return slipEncode(encodeFrame(name, seq, payload));
  }

  /** Queues one frame towards the host. */
  send<N extends MessageName>(name: N, payload: Payload<N>): void {
    this.outbox.push(this.frame(name, payload));
  }

  /** Queued frames as one chunk (one serial read), or null when none. */
  takeOutbox(): Uint8Array | null {
    if (this.outbox.length === 0) return null;
    const chunks = this.outbox;
    this.outbox = [];
    return chunks.length === 1 ? (chunks[0] as Uint8Array) : Buffer.concat(chunks);
  }

  private handleFrame(frame: Uint8Array): void {
    const result = decodeFrame(frame);
    if (!result.ok) return;
    const message = result.message;
    if (message.name === 'HELLO') {
      this.expectedSeq = (this.expectedSeq + 0x4000) & 0xffff;
      this.send('INFO', benchInfo(this.expectedSeq));
      return;
    }
    const kind = MESSAGES[message.name].kind;
    if (kind === 'realtime') {
      if (message.name === 'STOP') this.stopsReceived++;
      this.send('ACK', { ackedSeq: message.seq, note: 0, appliedValue: 0 });
    } else if (kind === 'command') {
      this.commandsReceived++;
      this.expectedSeq = (message.seq + 1) & 0xffff;
      const values = Object.values(message.payload as Record<string, number>);
      this.send('ACK', { ackedSeq: message.seq, note: 0, appliedValue: values[0] ?? 0 });
    }
  }
}

function benchInfo(nextSeq: number): Payload<'INFO'> {
  return {
    protocolVersion: PROTOCOL_VERSION,
    firmwareMajor: 1,
    firmwareMinor: 0,
    firmwarePatch: 0,
    sku: Sku.HOME,
    serialNumber: 0xbe4c4,
    maxDepthUm: SKU_MAX_DEPTH_UM[Sku.HOME],
    depthStepUm: 50,
    minStrokeHz: 50,
    maxStrokeHz: 150,
    leaseMs: 200,
    cartridgeId: BENCH_CARTRIDGE.id,
    needleCount: BENCH_CARTRIDGE.needleCount,
    batteryPercent: 80,
    batteryMv: 3900,
    configCrc: 0x5a5a,
    nextSeq,
    state: PenState.IDLE,
    faultCode: 0,
  };
}

/** TELEMETRY of the bench pen at pen time `deviceTickMs`: armed, in contact when `contact`, at `depthUm`. */
export function benchTelemetry(deviceTickMs: number, depthUm: number, contact: boolean): Payload<'TELEMETRY'> {
  return {
    deviceTickMs,
    state: PenState.ARMED,
    faultCode: 0,
    flags:
      (contact ? TelemetryFlag.CONTACT : 0) |
      TelemetryFlag.CARTRIDGE |
      TelemetryFlag.HOMED |
      TelemetryFlag.LEASE_VALID |
      TelemetryFlag.MOTOR_ON,
    commandedDepthUm: depthUm,
    measuredDepthUm: depthUm - (deviceTickMs % 7),
    commandedStrokeHz: 100,
    measuredStrokeHz: 99 + (deviceTickMs % 3),
    strokeCount: Math.floor(deviceTickMs / 10),
    motorCurrentMa: 300,
    batteryMv: 3900,
    batteryPercent: 80,
    cartridgeId: BENCH_CARTRIDGE.id,
    needleCount: BENCH_CARTRIDGE.needleCount,
    lastStopReason: 0,
  };
}
