// Fuzz target: the whole pen program (firmware/) on an ideal fake board, ticked after every input.
import { createPenFirmware, type PenFirmware } from '../../firmware/pen-firmware.js';
import {
  encodeFrame,
  PenState,
  PROTOCOL_VERSION,
  Sku,
  slipEncode,
  type MessageName,
  type Payload,
} from '../../src/protocol/index.js';
import { FakeHardware } from '../../test/support/firmware-harness.js';
import type { WireForm } from './mutator.js';
import { judge, reasonName, slipFrames } from './oracle.js';
import { seedBodies } from './seeds.js';
import { check, InvariantBroken, type FuzzTarget, type Outcome } from './target.js';

const RESET_EVERY = 5_000;
const BOOT_LIMIT_TICKS = 3_000;

/** The fake board without its transmit log: frames the pen sends go to `onTransmit`. */
class QuietHardware extends FakeHardware {
  onTransmit: (bytes: Uint8Array) => void = () => {};
  override uartWrite(bytes: Uint8Array): void {
    this.onTransmit(bytes);
  }
}

/**
 * Invariants after every input and tick: nothing throws; every frame the pen sends is valid; the
 * state machine refused no transition; the depth setpoint stays within the limiter's cap and the
 * cap within the SKU's maximum (S18); the motor runs only when ARMED. An input holding no frame the
 * reference accepts changes nothing the host commands: it never arms the pen, raises the depth
 * target, the cap or the stroke rate, or changes the telemetry rate (S14).
 */
export class FirmwareTarget implements FuzzTarget {
  readonly name = 'firmware';
  private hardware!: QuietHardware;
  private firmware!: PenFirmware;
  private ticks = 0;
  private runs = 0;
  private resets = 0;
  private sentReasons: string[] = [];

  constructor() {
    this.reset();
  }

  seeds(): Uint8Array[] {
    return seedBodies('toPen');
  }

  hints(): readonly number[] {
    const expected = this.firmware.diagnostics().expectedSeq;
    return [expected, expected, (expected + 1) & 0xffff];
  }

  reset(): void {
    this.resets++;
    this.runs = 0;
    const sku = this.resets % 2 === 0 ? Sku.HOME : Sku.PRO;
    this.hardware = new QuietHardware(100, { sku, serialNumber: 7, leaseMs: 200 });
    this.hardware.onTransmit = (bytes) => this.inspect(bytes);
    this.firmware = createPenFirmware(this.hardware, { nowTick: () => this.ticks >>> 0 });
    for (let i = 0; i < BOOT_LIMIT_TICKS && this.firmware.diagnostics().state !== PenState.IDLE; i++) this.step();
    this.send('HELLO', 0, { protocolVersion: PROTOCOL_VERSION });
    this.step();
  }

  run(input: WireForm): Outcome {
    if (++this.runs % RESET_EVERY === 0) this.reset();
    const verdicts = slipFrames(input.wire).frames.map(judge);
    const valid = verdicts.some((verdict) => verdict.kind === 'accepted');
    const before = this.firmware.diagnostics();
    this.sentReasons = [];
    this.firmware.onUartReceive(input.wire);
    this.step();
    // NOTE: one queued command a tick: drain the queue so the next input starts with nothing pending.
    for (let i = 0; i < 16 && this.firmware.diagnostics().queueLength > 0; i++) this.step();
    const after = this.firmware.diagnostics();
    this.checkSafety();
    if (!valid) {
      const what = 'an input with no valid frame';
      check(!(after.state === PenState.ARMED && before.state !== PenState.ARMED), `${what} armed the pen`);
      check(after.targetDepthUm <= before.targetDepthUm, `${what} raised the depth target`);
      check(after.capUm <= before.capUm, `${what} raised the cap`);
      check(after.telemetryRateHz === before.telemetryRateHz, `${what} changed the telemetry rate`);
      check(
        after.targetStrokeHz === before.targetStrokeHz || after.state !== PenState.ARMED,
        `${what} changed the stroke rate`,
      );
    }
    const dropped = verdicts.find((verdict) => verdict.kind === 'dropped');
    const reason = this.sentReasons.at(-1) ?? (dropped === undefined ? 'NO_ANSWER' : reasonName(dropped.reason));
    return { reason, signature: `${after.state}:${after.connected}:${after.homed}:${this.sentReasons.join(',')}` };
  }

  private checkSafety(): void {
    const d = this.firmware.diagnostics();
    check(d.refusedTransitions === 0, 'the state machine refused a transition');
    check(d.transmitEncodeErrors === 0, 'the pen failed to encode a frame');
    check(d.capUm <= d.skuMaxUm, `cap ${d.capUm} above the SKU maximum ${d.skuMaxUm}`);
    check(d.setpointUm <= d.capUm, `S18: setpoint ${d.setpointUm} um above the cap ${d.capUm} um`);
    check(d.motorCommandHz === 0 || d.state === PenState.ARMED, `motor at ${d.motorCommandHz} Hz in state ${d.state}`);
  }

  private step(): void {
    this.ticks++;
    this.hardware.stepPhysics();
    this.firmware.tick();
  }

  private send<N extends MessageName>(name: N, seq: number, payload: Payload<N>): void {
    this.firmware.onUartReceive(slipEncode(encodeFrame(name, seq, payload)));
  }

  /** Every transmitted frame must be valid; answers are noted as the execution's outcome. */
  private inspect(bytes: Uint8Array): void {
    for (const frame of slipFrames(bytes).frames) {
      const verdict = judge(frame);
      if (verdict.kind !== 'accepted')
        throw new InvariantBroken(`the pen sent an invalid frame (${reasonName(verdict.reason)})`);
      const message = verdict.message;
      if (message.name === 'NAK') this.sentReasons.push(reasonName(message.payload.reason));
      else if (message.name === 'ACK' || message.name === 'INFO') this.sentReasons.push(message.name);
      else if (message.name === 'EVENT_FAULT') this.sentReasons.push(`FAULT_${message.payload.faultCode}`);
    }
  }
}
