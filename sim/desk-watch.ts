// What the desk measures on a simulated pen each pen ms: punctures from the physics and the injection watches (time to safe).
import type { FirmwareDiagnostics } from '../firmware/diagnostics.js';
import type { FaultInjector, FaultSpec } from './faults.js';
import { InjectionWatch, type InjectionOutcome } from './injection-watch.js';
import type { SimulatedPen } from './simulated-pen.js';

/** Injections watched at once; older ones are dropped from the watch (their outcome stays as reported). */
const MAX_WATCHES = 8;

/**
 * Steps after every pen step (`step`): counts punctures (strokes made in skin contact times the
 * cartridge's needles) and measures each injection until it is done. NOTE: on the 1 ms path:
 * reads the physics and the firmware's diagnostic view only when an injection is watched.
 */
export class DeskWatch {
  private readonly watches: InjectionWatch[] = [];
  private punctureCount = 0;
  private lastStrokeCount = 0;

  constructor(
    private readonly pen: SimulatedPen,
    private readonly faults: FaultInjector,
    private readonly diagnostics: () => FirmwareDiagnostics,
    private readonly onOutcome: (outcome: InjectionOutcome) => void,
    /** Numbers injections (one sequence per desk, over several pens). */
    private readonly nextInjectionId: () => number = counter(),
  ) {}

  /** Strokes the motor made while the tip touched skin, times the cartridge's needles, so far (physics). */
  get punctures(): number {
    return this.punctureCount;
  }

  /** Injects a fault at pen time `nowMs` and starts watching it. Throws RangeError for a spec the injector refuses. */
  inject(spec: FaultSpec, nowMs: number): InjectionOutcome {
    this.faults.inject(spec);
    const watch = new InjectionWatch(
      this.nextInjectionId(),
      spec.kind,
      nowMs,
      this.pen.hardware,
      this.diagnostics(),
      this.pen.bootCount,
    );
    this.watches.push(watch);
    if (this.watches.length > MAX_WATCHES) this.watches.shift();
    return watch.current;
  }

  /** After the pen's step at `nowMs`. */
  step(nowMs: number): void {
    this.countPunctures();
    if (this.watches.length === 0) return;
    const diagnostics = this.diagnostics();
    for (let i = this.watches.length - 1; i >= 0; i--) {
      const watch = this.watches[i] as InjectionWatch;
      if (watch.step(nowMs, this.pen.hardware, diagnostics, this.pen.bootCount)) this.onOutcome(watch.current);
      if (watch.isDone) this.watches.splice(i, 1);
    }
  }

  private countPunctures(): void {
    const { motor, skin, cartridge } = this.pen.hardware;
    const strokes = motor.strokeCount;
    // The counter restarts at 0 when the pen power-cycles.
    const newStrokes = strokes >= this.lastStrokeCount ? strokes - this.lastStrokeCount : strokes;
    this.lastStrokeCount = strokes;
    if (newStrokes > 0 && skin.isInContact) this.punctureCount += newStrokes * (cartridge.read()?.needleCount ?? 0);
  }
}

/** 1, 2, 3, ... */
export function counter(): () => number {
  let next = 1;
  return () => next++;
}
