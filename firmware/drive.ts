// The needle drive under its lease: ARM, DISARM and HEARTBEAT, every stop, and the lease check (S10).
import { PenState, Reason, type ReasonCode } from '../src/protocol/index.js';
import type { CommandHandlers } from './commands.js';
import type { DepthAxis } from './depth-axis.js';
import type { DeviceClock } from './hal.js';
import { Lease } from './lease.js';
import type { Link } from './link.js';
import type { PenStateMachine } from './pen-state.js';
import type { Sensors } from './sensors.js';
import type { StrokeDrive } from './stroke-drive.js';
import { BATTERY_ARM_MIN_MV } from './tuning.js';

/** Runs and stops the drive: the motor, the depth axis' armed extension and the lease together. */
export class DriveControl {
  readonly lease: Lease;

  /** ARM (in IDLE), DISARM and HEARTBEAT (in ARMED); other states are decided by the command table. */
  readonly commands: CommandHandlers<'ARM' | 'DISARM' | 'HEARTBEAT'> = {
    ARM: (_payload, receivedAtTick) => {
      if (this.sensors.cartridgeId === 0) return Reason.NO_CARTRIDGE;
      if (this.sensors.batteryMv < BATTERY_ARM_MIN_MV) return Reason.BATTERY_LOW;
      this.pen.go('ARM');
      this.lease.start(receivedAtTick);
      this.motor.start();
      return Reason.NONE;
    },
    DISARM: () => {
      this.stop(Reason.STOP_DISARM);
      return Reason.NONE;
    },
    // NOTE: only HEARTBEAT renews the lease (ARM starts it); nothing else keeps the drive running (S10).
    HEARTBEAT: (_payload, receivedAtTick) => {
      this.lease.renew(receivedAtTick);
      return Reason.NONE;
    },
  };

  constructor(
    private readonly pen: PenStateMachine,
    private readonly axis: DepthAxis,
    private readonly motor: StrokeDrive,
    private readonly sensors: Sensors,
    private readonly link: Link,
    private readonly clock: DeviceClock,
    leaseMs: number,
  ) {
    this.lease = new Lease(leaseMs);
  }

  /** True while ARMED and the lease is valid at `nowTick`. */
  isLeaseValid(nowTick: number): boolean {
    return this.pen.state === PenState.ARMED && this.lease.isValid(nowTick);
  }

  /** Stops a running drive: motor 0 and retract in this call, IDLE, EVENT_STOPPED. No-op when not armed. */
  stop(reason: ReasonCode): void {
    if (this.pen.state !== PenState.ARMED) return;
    this.pen.go('STOP');
    this.halt();
    this.announceStop(reason);
  }

  /** One tick: stops the drive when the lease lapsed. NOTE: the pen stops by itself when heartbeats stop (S10). */
  superviseLease(nowTick: number): void {
    if (this.pen.state === PenState.ARMED && this.lease.hasLapsed(nowTick)) this.stop(Reason.STOP_LEASE_LAPSED);
  }

  /** Outputs to their safe state now, whatever the state: motor 0, needles retracted, lease ended. */
  halt(): void {
    this.motor.stop();
    this.axis.retract();
    this.lease.cancel();
  }

  /** Records and reports why the drive stopped (EVENT_STOPPED). */
  announceStop(reason: ReasonCode): void {
    this.pen.lastStopReason = reason;
    const stopped = this.link.payload('EVENT_STOPPED');
    stopped.deviceTickMs = this.clock.nowTick();
    stopped.reason = reason;
    this.link.send('EVENT_STOPPED', stopped);
  }
}
