// The pen's main program: boot, self-test, homing, command and realtime handling, supervision and reports on a 1 ms tick.
import {
  Fault,
  PenState,
  Reason,
  SKU_MAX_DEPTH_UM,
  Sku,
  type FaultCode,
  type Payload,
  type PenStateCode,
  type ReasonCode,
} from '../src/protocol/index.js';
import { DEPTH_RANGE_UM, LEASE_MS } from '../src/limits/index.js';
import type { PenConfig } from './api.js';
import { executeCommand, type CommandTarget } from './commands.js';
import { configBlockCrc, decodeConfigBlock } from './config.js';
import { DepthAxis, HomingStep } from './depth-axis.js';
import type { FirmwareDiagnostics, PenFirmware } from './diagnostics.js';
import type { DeviceClock, PenHardware } from './hal.js';
import { buildInfoPayload } from './info.js';
import { Lease } from './lease.js';
import { Limiter } from './limiter.js';
import { Link, type CommandMessage, type CommandVerdict, type LinkHandler, type RealtimeMessage } from './link.js';
import { SelfTest, SelfTestCheck } from './self-test.js';
import { Sensors } from './sensors.js';
import { StrokeDrive } from './stroke-drive.js';
import { BrownOutDetector } from './supply.js';
import { TelemetryScheduler, clampInt, createReportPayload, fillReport, type ReportSource } from './telemetry.js';

// Module-local copies for the tick path: under tsx and vitest an imported binding is a getter.
const STATE_BOOT = PenState.BOOT;
const STATE_SELF_TEST = PenState.SELF_TEST;
const STATE_HOMING = PenState.HOMING;
const STATE_ARMED = PenState.ARMED;
const STATE_FAULT = PenState.FAULT;
const FAULT_NONE = Fault.NONE;

/** NOTE: used only while the stored block is corrupt (and FAULT is latched): the lowest cap, the default lease. */
const FALLBACK_CONFIG: PenConfig = { sku: Sku.HOME, serialNumber: 0, leaseMs: LEASE_MS };

/** The main program behind `createFirmware`: one instance per power-on. */
export class PenProgram implements PenFirmware, LinkHandler, CommandTarget, ReportSource {
  /** Pen state as reported (PenState); changed only by this class. */
  state: PenStateCode = PenState.BOOT;
  /** Latched fault while state is FAULT, else Fault.NONE. */
  faultCode: FaultCode = Fault.NONE;
  /** Why the drive last stopped (a STOP_* reason), Reason.NONE until the first stop. */
  lastStopReason: number = Reason.NONE;
  readonly sensors: Sensors;
  readonly axis: DepthAxis;
  readonly drive: StrokeDrive;
  private readonly link: Link;
  private readonly selfTest = new SelfTest();
  private readonly telemetry = new TelemetryScheduler();
  private readonly brownOut = new BrownOutDetector();
  /** Reused TELEMETRY/STATUS payload: reports allocate only their encoded frame. */
  private readonly report = createReportPayload();
  /** Active configuration: the stored block when valid, else FALLBACK_CONFIG. */
  private config: PenConfig = FALLBACK_CONFIG;
  private configValid = false;
  private configCrc = 0;
  /** Rebuilt with each configuration load: cap and lease come only from the checked block. */
  private limiter = new Limiter(SKU_MAX_DEPTH_UM[Sku.HOME]);
  private lease = new Lease(LEASE_MS);
  /** True once the self-test passed since the last boot-level reset. */
  private selfTestPassed = false;
  /** True until the first self-test: only power-on homes by itself; after RESET_FAULT the host sends HOME. */
  private homeAfterSelfTest = true;
  /** Device time of the current tick or UART receive, ms. */
  private nowMs: number;
  /** Last contact state and cartridge id reported by events (false and 0 at boot, so present ones are announced). */
  private previousContact = false;
  private previousCartridgeId = 0;

  constructor(
    private readonly hardware: PenHardware,
    private readonly clock: DeviceClock,
  ) {
    // NOTE: outputs start safe at reset: motor off; the depth actuator is left alone until homing.
    hardware.setMotorStrokeHz(0);
    this.nowMs = clock.nowMs();
    this.sensors = new Sensors(hardware);
    this.axis = new DepthAxis(hardware);
    this.drive = new StrokeDrive(hardware, this.sensors.strokeCounter);
    this.link = new Link((bytes) => hardware.uartWrite(bytes), this);
    this.loadConfig();
  }

  // Firmware entry points

  onUartReceive(bytes: Uint8Array): void {
    this.nowMs = this.clock.nowMs();
    this.link.receive(bytes, this.nowMs);
  }

  tick(): void {
    const nowMs = this.clock.nowMs();
    this.nowMs = nowMs;
    this.sensors.sample();
    this.drive.sampleCounter(this.sensors.strokeCounter);
    this.link.processQueue(nowMs);
    if (this.state === STATE_BOOT) this.boot();
    else if (this.state === STATE_SELF_TEST) this.stepSelfTest();
    else if (this.state === STATE_HOMING) this.stepHoming();
    if (this.state !== STATE_FAULT) this.supervise(nowMs);
    this.watchCartridge();
    this.watchContact();
    if (this.state === STATE_ARMED) this.axis.stepArmed();
    this.axis.output();
    this.drive.output();
    if (this.telemetry.tick()) this.sendReport('TELEMETRY');
  }

  diagnostics(): FirmwareDiagnostics {
    return {
      state: this.state,
      faultCode: this.faultCode,
      lastStopReason: this.lastStopReason,
      connected: this.link.connected,
      expectedSeq: this.link.expectedSeq,
      queueLength: this.link.queueLength,
      droppedFrames: this.link.droppedFrames,
      refusedFrames: this.link.refusedFrames,
      transmitEncodeErrors: this.link.transmitEncodeErrors,
      configValid: this.configValid,
      capUm: this.capUm,
      leaseMs: this.lease.leaseMs,
      homed: this.axis.homed,
      setpointUm: this.axis.setpointUm,
      targetDepthUm: this.axis.targetUm,
      targetStrokeHz: this.drive.targetHz,
      motorCommandHz: this.drive.commandHz,
      measuredStrokeHz: this.drive.measuredHz,
      telemetryRateHz: this.telemetry.rateHz,
      selfTestFailedCheck: this.selfTest.failedCheck(),
    };
  }

  dropCount(reason: ReasonCode): number {
    return this.link.dropCount(reason);
  }

  // Boot sequence

  private loadConfig(): void {
    const block = this.hardware.readConfigBlock();
    const decoded = decodeConfigBlock(block);
    this.configValid = decoded !== null;
    this.config = decoded ?? FALLBACK_CONFIG;
    this.configCrc = configBlockCrc(block);
    this.limiter = new Limiter(SKU_MAX_DEPTH_UM[this.config.sku]);
    this.lease = new Lease(this.config.leaseMs);
  }

  private boot(): void {
    // NOTE: the configuration is integrity-checked before anything uses it (S17).
    if (!this.configValid) return this.latchFault(Fault.CONFIG_CORRUPT);
    this.state = PenState.SELF_TEST;
    this.selfTest.begin();
  }

  private stepSelfTest(): void {
    this.selfTest.sample(this.sensors.batteryMv, this.sensors.motorCurrentMa, this.sensors.encoderUm);
    if (!this.selfTest.complete) return;
    if (this.selfTest.failedCheck() !== SelfTestCheck.NONE) return this.latchFault(Fault.SELF_TEST_FAILED);
    this.selfTestPassed = true;
    if (this.homeAfterSelfTest) {
      this.homeAfterSelfTest = false;
      this.startHoming();
    } else {
      this.state = PenState.UNHOMED;
    }
  }

  private stepHoming(): void {
    const step = this.axis.stepHoming();
    if (step === HomingStep.DONE) {
      // NOTE: the tick's reading predates the zeroing; the limiter must judge the zeroed axis.
      this.sensors.sampleEncoder();
      this.limiter.reset();
      this.state = PenState.IDLE;
    } else if (step === HomingStep.FAILED) {
      this.latchFault(Fault.HOMING_FAILED);
    }
  }

  // Supervision: limiter, drive, supply, lease, cartridge and contact

  private supervise(nowMs: number): void {
    if (this.axis.homed) {
      const depthFault = this.limiter.check(this.sensors.encoderUm, this.axis.setpointUm);
      if (depthFault !== FAULT_NONE) return this.latchFault(depthFault);
    }
    const driveFault = this.drive.step(this.sensors.motorCurrentMa);
    if (driveFault !== FAULT_NONE) return this.latchFault(driveFault);
    if (this.brownOut.step(this.sensors.batteryMv)) return this.latchFault(Fault.BROWN_OUT);
    // NOTE: the firmware stops the drive itself when the host's heartbeats stop (S10).
    if (this.state === STATE_ARMED && this.lease.hasLapsed(nowMs)) this.stopDrive(Reason.STOP_LEASE_LAPSED);
  }

  private watchCartridge(): void {
    const { cartridgeId, needleCount } = this.sensors;
    if (cartridgeId === this.previousCartridgeId) return;
    const wasPresent = this.previousCartridgeId !== 0;
    this.previousCartridgeId = cartridgeId;
    const deviceTickMs = this.nowMs >>> 0;
    if (wasPresent) this.link.send('EVENT_CARTRIDGE', { deviceTickMs, present: 0, cartridgeId: 0, needleCount: 0 });
    if (cartridgeId !== 0) {
      this.link.send('EVENT_CARTRIDGE', {
        deviceTickMs,
        present: 1,
        cartridgeId,
        needleCount: clampInt(needleCount, 0, 0xff),
      });
    }
    if (wasPresent && this.state === PenState.ARMED) this.latchFault(Fault.CARTRIDGE_REMOVED);
  }

  private watchContact(): void {
    const contact = this.sensors.contact;
    if (contact === this.previousContact) return;
    this.previousContact = contact;
    this.link.send('EVENT_CONTACT', {
      deviceTickMs: this.nowMs >>> 0,
      contact: contact ? 1 : 0,
      strokeCount: this.drive.strokeCount >>> 0,
    });
  }

  /** Latches `fault` (the first one wins): motor 0 and retract in this call, EVENT_FAULT, EVENT_STOPPED if armed. */
  private latchFault(fault: FaultCode): void {
    if (this.state === PenState.FAULT) return;
    const wasArmed = this.state === PenState.ARMED;
    const commandedDepthUm = clampInt(this.axis.setpointUm, DEPTH_RANGE_UM.min, DEPTH_RANGE_UM.max);
    this.state = PenState.FAULT;
    this.faultCode = fault;
    this.drive.stop();
    this.axis.retract();
    this.lease.cancel();
    this.link.send('EVENT_FAULT', {
      deviceTickMs: this.nowMs >>> 0,
      faultCode: fault,
      measuredDepthUm: clampInt(this.sensors.encoderUm, -32768, 32767),
      commandedDepthUm,
    });
    if (wasArmed) this.announceStop(fault === Fault.ESTOP ? Reason.STOP_ESTOP : Reason.STOP_FAULT);
  }

  private announceStop(reason: ReasonCode): void {
    this.lastStopReason = reason;
    this.link.send('EVENT_STOPPED', { deviceTickMs: this.nowMs >>> 0, reason });
  }

  private sendReport(name: 'TELEMETRY' | 'STATUS'): void {
    fillReport(this.report, this.nowMs, this);
    this.link.send(name, this.report);
  }

  // ReportSource

  get isLeaseValid(): boolean {
    return this.state === PenState.ARMED && this.lease.isValid(this.nowMs);
  }

  // LinkHandler

  onRealtime(message: RealtimeMessage, seq: number): void {
    if (message.name === 'STATUS_REQUEST') return this.sendReport('STATUS');
    if (message.name === 'STOP') this.stopDrive(Reason.STOP_HOST);
    else this.latchFault(Fault.ESTOP);
    this.link.send('ACK', { ackedSeq: seq, note: Reason.NONE, appliedValue: 0 });
  }

  onHello(): void {
    this.stopDrive(Reason.STOP_LINK_RESET);
  }

  infoPayload(nextSeq: number): Payload<'INFO'> {
    return buildInfoPayload(this.config, this.configCrc, this.sensors, this.state, this.faultCode, nextSeq);
  }

  onCommand(message: CommandMessage, receivedAtMs: number): CommandVerdict {
    return executeCommand(this, message, receivedAtMs);
  }

  // CommandTarget

  get capUm(): number {
    return this.limiter.capUm;
  }

  get isCartridgePresent(): boolean {
    return this.sensors.cartridgeId !== 0;
  }

  get batteryMv(): number {
    return this.sensors.batteryMv;
  }

  renewLease(receivedAtMs: number): void {
    if (this.state === PenState.ARMED) this.lease.renew(receivedAtMs);
  }

  setDepthTarget(depthUm: number): void {
    this.axis.setTargetUm(depthUm);
  }

  setStrokeTarget(strokeHz: number): void {
    this.drive.setTargetHz(strokeHz);
  }

  setTelemetryRate(rateHz: number): void {
    this.telemetry.setRateHz(rateHz);
  }

  arm(receivedAtMs: number): void {
    this.state = PenState.ARMED;
    this.lease.start(receivedAtMs);
    this.drive.start();
  }

  /** Stops a running drive: motor 0 and retract in this call, IDLE, EVENT_STOPPED. No-op when not armed. */
  stopDrive(reason: ReasonCode): void {
    if (this.state !== PenState.ARMED) return;
    this.state = PenState.IDLE;
    this.drive.stop();
    this.axis.retract();
    this.lease.cancel();
    this.announceStop(reason);
  }

  startHoming(): void {
    // NOTE: homing starts from the encoder reading; a non-finite one cannot be retracted from safely.
    if (!Number.isFinite(this.sensors.encoderUm)) return this.latchFault(Fault.ENCODER_IMPLAUSIBLE);
    this.state = PenState.HOMING;
    this.axis.startHoming(this.sensors.encoderUm);
  }

  /** Clears the fault. Boot faults re-run the configuration check and self-test; then UNHOMED (S17). */
  resetFault(): void {
    this.faultCode = Fault.NONE;
    this.homeAfterSelfTest = false;
    this.axis.unhome();
    if (!this.selfTestPassed || !this.configValid) {
      this.selfTestPassed = false;
      this.loadConfig();
      this.state = PenState.BOOT;
    } else {
      this.state = PenState.UNHOMED;
    }
  }
}
