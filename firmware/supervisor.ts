// Fault supervision (S1, S11, S12, S13): the per-tick checks and the latch that drives every output safe.
import { DEPTH_RANGE_UM } from '../src/limits/index.js';
import { Fault, PenState, Reason, type FaultCode } from '../src/protocol/index.js';
import type { DepthAxis } from './depth-axis.js';
import type { DriveControl } from './drive.js';
import type { DeviceClock } from './hal.js';
import type { Limiter } from './limiter.js';
import type { Link } from './link.js';
import type { PenStateMachine } from './pen-state.js';
import type { Sensors } from './sensors.js';
import type { StrokeDrive } from './stroke-drive.js';
import { BrownOutDetector } from './supply.js';
import { clampInt } from './telemetry.js';

/** Watches the limiter, the motor, the supply and the lease every tick; latches faults. */
export class FaultSupervisor {
  private readonly brownOut = new BrownOutDetector();

  constructor(
    private readonly pen: PenStateMachine,
    private readonly drive: DriveControl,
    private readonly axis: DepthAxis,
    private readonly limiter: Limiter,
    private readonly motor: StrokeDrive,
    private readonly sensors: Sensors,
    private readonly link: Link,
    private readonly clock: DeviceClock,
  ) {}

  /** One tick outside FAULT: limiter (once homed), motor, brown-out, then the drive lease. */
  supervise(nowTick: number): void {
    if (this.axis.homed) {
      const depthFault = this.limiter.check(this.sensors.encoderUm, this.axis.setpointUm);
      if (depthFault !== Fault.NONE) return this.latch(depthFault);
    }
    const driveFault = this.motor.step(this.sensors.motorCurrentMa);
    if (driveFault !== Fault.NONE) return this.latch(driveFault);
    if (this.brownOut.step(this.sensors.batteryMv)) return this.latch(Fault.BROWN_OUT);
    this.drive.superviseLease(nowTick);
  }

  /**
   * Latches `fault` (the first one wins): motor 0 and retract in this call, FAULT, EVENT_FAULT, and
   * EVENT_STOPPED when the drive was armed. NOTE: only RESET_FAULT leaves FAULT (S13).
   */
  latch(fault: FaultCode): void {
    const pen = this.pen;
    if (pen.state === PenState.FAULT) return;
    const wasArmed = pen.state === PenState.ARMED;
    const commandedDepthUm = clampInt(this.axis.setpointUm, DEPTH_RANGE_UM.min, DEPTH_RANGE_UM.max);
    pen.go('FAULT');
    pen.faultCode = fault;
    this.drive.halt();
    const event = this.link.payload('EVENT_FAULT');
    event.deviceTickMs = this.clock.nowTick();
    event.faultCode = fault;
    event.measuredDepthUm = clampInt(this.sensors.encoderUm, -32768, 32767);
    event.commandedDepthUm = commandedDepthUm;
    this.link.send('EVENT_FAULT', event);
    if (wasArmed) this.drive.announceStop(fault === Fault.ESTOP ? Reason.STOP_ESTOP : Reason.STOP_FAULT);
  }
}
