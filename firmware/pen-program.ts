// The pen's main program: wires the modules, routes link events, and runs the 1 ms control tick.
import { DEFAULT_TELEMETRY_HZ, LEASE_MS } from '../src/limits/index.js';
import {
  Fault,
  PenState,
  Reason,
  SKU_MAX_DEPTH_UM,
  Sku,
  type Payload,
  type ReasonCode,
} from '../src/protocol/index.js';
import { CommandDispatcher } from './commands.js';
import { DepthAxis } from './depth-axis.js';
import type { FirmwareDiagnostics, PenFirmware } from './diagnostics.js';
import { DriveControl } from './drive.js';
import { EdgeReporter } from './edges.js';
import type { DeviceClock, PenHardware } from './hal.js';
import { fillInfoPayload } from './info.js';
import { Limiter } from './limiter.js';
import { Link } from './link.js';
import { PenStateMachine } from './pen-state.js';
import { Sensors } from './sensors.js';
import { StartUp } from './start-up.js';
import { StrokeDrive } from './stroke-drive.js';
import { FaultSupervisor } from './supervisor.js';
import { TelemetryScheduler, fillReport, type ReportSource } from './telemetry.js';

/** The main program behind `createFirmware`: one instance per power-on. */
export class PenProgram implements PenFirmware {
  private readonly pen = new PenStateMachine();
  private readonly sensors: Sensors;
  private readonly limiter = new Limiter(SKU_MAX_DEPTH_UM[Sku.HOME]);
  private readonly axis: DepthAxis;
  private readonly motor: StrokeDrive;
  private readonly telemetry = new TelemetryScheduler();
  private readonly link: Link;
  private readonly drive: DriveControl;
  private readonly supervisor: FaultSupervisor;
  private readonly startUp: StartUp;
  private readonly edges: EdgeReporter;
  private readonly dispatcher: CommandDispatcher;
  private readonly reportSource: ReportSource;

  constructor(
    hardware: PenHardware,
    private readonly clock: DeviceClock,
  ) {
    // NOTE: outputs start safe at reset: motor off; the depth actuator is left alone until homing.
    hardware.setMotorStrokeHz(0);
    const pen = this.pen;
    this.sensors = new Sensors(hardware);
    this.axis = new DepthAxis(hardware, this.limiter);
    this.motor = new StrokeDrive(hardware, this.sensors.strokeCounter);
    this.link = new Link((bytes) => hardware.uartWrite(bytes), {
      onStop: (name) => this.onStop(name),
      onHello: (_connected, info) => this.onHello(info),
      onCommand: (message, receivedAtTick, reply) => this.dispatcher.dispatch(message, receivedAtTick, reply),
    });
    this.drive = new DriveControl(pen, this.axis, this.motor, this.sensors, this.link, clock, LEASE_MS);
    this.supervisor = new FaultSupervisor(
      pen,
      this.drive,
      this.axis,
      this.limiter,
      this.motor,
      this.sensors,
      this.link,
      clock,
    );
    this.startUp = new StartUp(pen, hardware, this.sensors, this.axis, this.limiter, this.drive.lease, this.supervisor);
    this.edges = new EdgeReporter(this.sensors, this.motor, this.link, clock);
    this.dispatcher = new CommandDispatcher(pen, {
      ...this.drive.commands,
      ...this.axis.commands,
      ...this.motor.commands,
      ...this.telemetry.commands,
      ...this.limiter.commands,
      ...this.startUp.commands,
    });
    const drive = this.drive;
    this.reportSource = {
      pen,
      sensors: this.sensors,
      axis: this.axis,
      motor: this.motor,
      isLeaseValid: (nowTick) => drive.isLeaseValid(nowTick),
    };
  }

  // Firmware entry points

  onUartReceive(bytes: Uint8Array): void {
    this.link.receive(bytes, this.clock.nowTick());
  }

  /** One control tick. Allocates nothing and never throws. */
  tick(): void {
    const nowTick = this.clock.nowTick();
    this.sensors.sample();
    this.motor.sampleCounter(this.sensors.strokeCounter);
    this.link.tick(nowTick);
    this.startUp.step();
    if (this.pen.state !== PenState.FAULT) this.supervisor.supervise(nowTick);
    if (this.edges.watchCartridge() && this.pen.state === PenState.ARMED) {
      this.supervisor.latch(Fault.CARTRIDGE_REMOVED);
    }
    this.edges.watchContact();
    if (this.pen.state === PenState.ARMED) this.axis.stepArmed();
    this.axis.output();
    this.motor.output();
    if (this.telemetry.tick()) this.sendReport('TELEMETRY', nowTick);
    if (this.link.takeStatusRequest()) this.sendReport('STATUS', nowTick);
  }

  diagnostics(): FirmwareDiagnostics {
    const link = this.link;
    return {
      state: this.pen.state,
      faultCode: this.pen.faultCode,
      lastStopReason: this.pen.lastStopReason,
      refusedTransitions: this.pen.refusedTransitions,
      connected: link.connected,
      expectedSeq: link.expectedSeq,
      queueLength: link.queueLength,
      droppedFrames: link.droppedFrames,
      refusedFrames: link.refusedFrames,
      transmitEncodeErrors: link.transmitEncodeErrors,
      configValid: this.startUp.configValid,
      capUm: this.limiter.capUm,
      skuMaxUm: this.limiter.skuMaxUm,
      leaseMs: this.drive.lease.leaseMs,
      homed: this.axis.homed,
      setpointUm: this.axis.setpointUm,
      targetDepthUm: this.axis.targetUm,
      targetStrokeHz: this.motor.targetHz,
      motorCommandHz: this.motor.commandHz,
      measuredStrokeHz: this.motor.measuredHz,
      telemetryRateHz: this.telemetry.rateHz,
      selfTestFailedCheck: this.startUp.selfTest.failedCheck(),
    };
  }

  dropCount(reason: ReasonCode): number {
    return this.link.dropCount(reason);
  }

  /** NOTE: STOP and ESTOP act in the receive interrupt, before the queue is flushed (S13). */
  private onStop(name: 'STOP' | 'ESTOP'): void {
    if (name === 'STOP') this.drive.stop(Reason.STOP_HOST);
    else this.supervisor.latch(Fault.ESTOP);
  }

  /** A new link session starts clean: disarmed, depth target 0, default rate, default telemetry, SKU limit. */
  private onHello(info: Payload<'INFO'>): void {
    this.drive.stop(Reason.STOP_LINK_RESET);
    this.axis.clearTarget();
    this.motor.resetTarget();
    this.telemetry.setRateHz(DEFAULT_TELEMETRY_HZ);
    this.limiter.resetSessionLimit();
    const { config, configCrc } = this.startUp;
    fillInfoPayload(info, config, configCrc, this.sensors, this.pen.state, this.pen.faultCode);
  }

  private sendReport(name: 'TELEMETRY' | 'STATUS', nowTick: number): void {
    const report = this.link.payload(name);
    fillReport(report, nowTick, this.reportSource);
    this.link.send(name, report);
  }
}
