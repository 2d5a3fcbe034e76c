// Drive lease (S10): ARM starts it, only an accepted HEARTBEAT renews it; when it lapses the firmware stops the drive.
import { isTickBefore, ticksSince } from './device-time.js';

/**
 * Time-bounded permission to drive, in device ticks (u32, wrap-safe). Valid for `leaseMs` ticks
 * after the last start or renewal, stamped with the frame's UART arrival tick (so queueing never
 * extends it).
 */
export class Lease {
  private renewedAtTick = 0;
  private activeFlag = false;

  constructor(private lengthMs: number) {}

  /** Lease length, ms (= ticks). */
  get leaseMs(): number {
    return this.lengthMs;
  }

  /** Sets the lease length from a checked configuration block (boot only), ms. */
  configure(leaseMs: number): void {
    this.lengthMs = leaseMs;
  }

  get active(): boolean {
    return this.activeFlag;
  }

  /** Starts the lease at `nowTick` (ARM). */
  start(nowTick: number): void {
    this.activeFlag = true;
    this.renewedAtTick = nowTick >>> 0;
  }

  /** Renews an active lease from `tick`; ignored when not active or not after the last renewal. */
  renew(tick: number): void {
    if (this.activeFlag && isTickBefore(this.renewedAtTick, tick)) this.renewedAtTick = tick >>> 0;
  }

  /** Ends the lease (the drive stopped). */
  cancel(): void {
    this.activeFlag = false;
  }

  /** True while active and less than leaseMs ticks have passed since the last renewal. */
  isValid(nowTick: number): boolean {
    return this.activeFlag && ticksSince(nowTick, this.renewedAtTick) < this.lengthMs;
  }

  /** True when active and leaseMs ticks or more have passed since the last renewal: stop now. */
  hasLapsed(nowTick: number): boolean {
    return this.activeFlag && ticksSince(nowTick, this.renewedAtTick) >= this.lengthMs;
  }
}
