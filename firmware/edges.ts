// Contact and cartridge edges: EVENT_CONTACT and EVENT_CARTRIDGE when the sensed state changes.
import type { DeviceClock } from './hal.js';
import type { Link } from './link.js';
import type { Sensors } from './sensors.js';
import type { StrokeDrive } from './stroke-drive.js';
import { clampInt } from './telemetry.js';

/**
 * Reports each change of skin contact and cartridge, comparing with the last reported state
 * (no contact and no cartridge at boot, so what is present at power-on is announced). Allocation-free.
 */
export class EdgeReporter {
  private previousContact = false;
  private previousCartridgeId = 0;

  constructor(
    private readonly sensors: Sensors,
    private readonly motor: StrokeDrive,
    private readonly link: Link,
    private readonly clock: DeviceClock,
  ) {}

  /** Reports a cartridge change (removal, then insertion); true when a cartridge was removed. */
  watchCartridge(): boolean {
    const { cartridgeId, needleCount } = this.sensors;
    if (cartridgeId === this.previousCartridgeId) return false;
    const wasPresent = this.previousCartridgeId !== 0;
    this.previousCartridgeId = cartridgeId;
    const event = this.link.payload('EVENT_CARTRIDGE');
    event.deviceTickMs = this.clock.nowTick();
    if (wasPresent) {
      event.present = 0;
      event.cartridgeId = 0;
      event.needleCount = 0;
      this.link.send('EVENT_CARTRIDGE', event);
    }
    if (cartridgeId !== 0) {
      event.present = 1;
      event.cartridgeId = cartridgeId;
      event.needleCount = clampInt(needleCount, 0, 0xff);
      this.link.send('EVENT_CARTRIDGE', event);
    }
    return wasPresent;
  }

  /** Reports a contact edge with the stroke count at it. */
  watchContact(): void {
    const contact = this.sensors.contact;
    if (contact === this.previousContact) return;
    this.previousContact = contact;
    const event = this.link.payload('EVENT_CONTACT');
    event.deviceTickMs = this.clock.nowTick();
    event.contact = contact ? 1 : 0;
    event.strokeCount = this.motor.strokeCount >>> 0;
    this.link.send('EVENT_CONTACT', event);
  }
}
