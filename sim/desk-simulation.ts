// The desktop simulator's pen in controller mode: a PenSimulation (virtual time, shared with the controller) watched by the desk.
import type { FirmwareDiagnostics, PenFirmware } from '../firmware/diagnostics.js';
import { createPenFirmware } from '../firmware/pen-firmware.js';
import { VirtualClock } from '../src/clock/clock.js';
import type { DeskPenObserver } from './desk-pen.js';
import { DeskWatch } from './desk-watch.js';
import type { FaultInjector, FaultSpec } from './faults.js';
import type { InjectionOutcome } from './injection-watch.js';
import type { SimulatedLink } from './link.js';
import { PenSimulation, type PenSimulationOptions } from './pen-simulation.js';
import type { SimulatedPen } from './simulated-pen.js';

/**
 * Builds the simulation (its virtual clock starting at desk time `startMs`, so desk time stays
 * monotonic over several sessions) and watches it: the bytes crossing the pen's UART go to the
 * observer (the screen feed records them), punctures and injections are measured after each step.
 */
export class DeskSimulation {
  readonly simulation: PenSimulation;
  private firmware: PenFirmware | null = null;
  private readonly watch: DeskWatch;

  constructor(options: PenSimulationOptions, startMs: number, observer: DeskPenObserver, injectionIds: () => number) {
    const clock = options.clock ?? new VirtualClock();
    clock.advanceTo(Math.max(clock.nowMs(), startMs));
    this.simulation = PenSimulation.create({
      ...options,
      clock,
      createFirmware: (hardware, deviceClock) => (this.firmware = createPenFirmware(hardware, deviceClock)),
    });
    const simulation = this.simulation;
    this.watch = new DeskWatch(
      simulation.pen,
      simulation.faults,
      () => this.diagnostics(),
      (outcome) => observer.injection(outcome),
      injectionIds,
    );
    const watch = this.watch;
    simulation.observe({
      transmitted: (bytes, nowMs) => observer.transmitted(bytes, nowMs),
      received: (bytes, nowMs) => observer.received(bytes, nowMs),
      stepped: (nowMs) => watch.step(nowMs),
    });
  }

  /** Desk time: the simulation's ms. */
  get nowMs(): number {
    return this.simulation.nowMs;
  }

  get pen(): SimulatedPen {
    return this.simulation.pen;
  }

  get link(): SimulatedLink {
    return this.simulation.link;
  }

  get faults(): FaultInjector {
    return this.simulation.faults;
  }

  /** Strokes made in skin contact times the cartridge's needles, this session (physics). */
  get punctures(): number {
    return this.watch.punctures;
  }

  /** True while the controller has the pen's (simulated) port open. */
  get isPortWritable(): boolean {
    return this.simulation.isHostConnected;
  }

  diagnostics(): FirmwareDiagnostics {
    return (this.firmware as PenFirmware).diagnostics();
  }

  /** Skin contact at the tip: the hand touches (true) or lifts off (false). */
  setContact(contact: boolean): void {
    this.simulation.pen.hardware.skin.setContact(contact);
  }

  /** Injects a fault now and watches it. Throws RangeError for a spec the injector refuses. */
  inject(spec: FaultSpec): InjectionOutcome {
    return this.watch.inject(spec, this.nowMs);
  }

  powerCycle(): void {
    this.simulation.pen.powerCycle();
  }
}
