// Drive lease (S10): ARM starts it, each accepted HEARTBEAT renews it; when it lapses the firmware stops the drive.
/**
 * Time-bounded permission to drive, in device ms. Valid for `leaseMs` after the last start or
 * renewal (stamped with the frame's UART arrival time, so queueing never extends it).
 */
export class Lease {
  private renewedAtMs = 0;
  private activeFlag = false;

  constructor(readonly leaseMs: number) {}

  get active(): boolean {
    return this.activeFlag;
  }

  /** Starts the lease at `nowMs` (ARM). */
  start(nowMs: number): void {
    this.activeFlag = true;
    this.renewedAtMs = nowMs;
  }

  /** Renews an active lease from `nowMs`; ignored when not active or older than the last renewal. */
  renew(nowMs: number): void {
    if (this.activeFlag && nowMs > this.renewedAtMs) this.renewedAtMs = nowMs;
  }

  /** Ends the lease (the drive stopped). */
  cancel(): void {
    this.activeFlag = false;
  }

  /** True while active and less than leaseMs has passed since the last renewal. */
  isValid(nowMs: number): boolean {
    return this.activeFlag && nowMs - this.renewedAtMs < this.leaseMs;
  }

  /** True when active and leaseMs or more has passed since the last renewal: stop now. */
  hasLapsed(nowMs: number): boolean {
    return this.activeFlag && nowMs - this.renewedAtMs >= this.leaseMs;
  }
}
