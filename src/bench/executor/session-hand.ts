// The operator's hand of a bench session: picks each plan area, presses the pen on the pad with the contact arm, lifts it, finishes.
import type { BenchTarget, SessionHandle } from './bench-target.js';
import type { BenchFixtures } from '../fixtures/bench-fixtures.js';

/** How long the hand waits for the machine to take an area (choice accepted, drive armed) before it moves on, ms. */
export const AREA_WAIT_MS = 10_000;

export interface HandArea {
  readonly area: string;
  /** Presses the hand makes on it, whatever the machine counts. */
  readonly attempts: number;
}

export interface HandTiming {
  /** Each press: arm down for this long (servo travel included), ms. */
  readonly glideMs: number;
  /** Each lift: arm up for this long before the next press, ms. */
  readonly liftOffMs: number;
}

type HandState = 'select' | 'arming' | 'pressing' | 'lifted' | 'done';

/**
 * Ticked every ms of bench time. Per area: waits until the machine takes an area choice, selects
 * it, waits until the drive is armed on it, then presses and lifts `attempts` times; after the
 * last area it gives FINISH. It only asks: the machine counts the passes and stops the needles.
 * Once the session ended, the arm is lifted and the hand is done.
 */
export class SessionHand {
  private state: HandState = 'select';
  private areaIndex = 0;
  private attempt = 0;
  private untilMs = 0;
  private sinceMs: number;
  private pressed = false;

  constructor(
    private readonly target: BenchTarget,
    private readonly handle: SessionHandle,
    private readonly fixtures: BenchFixtures,
    private readonly areas: readonly HandArea[],
    private readonly timing: HandTiming,
    startMs: number,
  ) {
    this.sinceMs = startMs;
  }

  get isDone(): boolean {
    return this.state === 'done';
  }

  tick(nowMs: number): void {
    if (this.state === 'done') return;
    if (this.handle.end !== null) {
      this.lift();
      this.state = 'done';
      return;
    }
    const entry = this.areas[this.areaIndex] as HandArea;
    switch (this.state) {
      case 'select':
        if (this.handle.canSelectArea) {
          this.target.selectArea(entry.area);
          this.state = 'arming';
          this.sinceMs = nowMs;
        } else if (nowMs - this.sinceMs > AREA_WAIT_MS) this.nextArea(nowMs);
        return;
      case 'arming':
        if (this.handle.isTreating && this.handle.area === entry.area) {
          this.attempt = 1;
          this.press(nowMs);
        } else if (nowMs - this.sinceMs > AREA_WAIT_MS) this.nextArea(nowMs);
        return;
      case 'pressing':
        if (nowMs < this.untilMs) return;
        this.lift();
        this.state = 'lifted';
        this.untilMs = nowMs + this.timing.liftOffMs;
        return;
      case 'lifted':
        if (nowMs < this.untilMs) return;
        if (this.attempt < entry.attempts) {
          this.attempt++;
          this.press(nowMs);
        } else this.nextArea(nowMs);
        return;
    }
  }

  /** Lifts the arm if it presses (the session's end, the teardown). */
  lift(): void {
    if (!this.pressed) return;
    this.fixtures.lift();
    this.pressed = false;
  }

  private press(nowMs: number): void {
    this.fixtures.press();
    this.pressed = true;
    this.state = 'pressing';
    this.untilMs = nowMs + this.timing.glideMs;
  }

  private nextArea(nowMs: number): void {
    this.areaIndex++;
    this.sinceMs = nowMs;
    if (this.areaIndex < this.areas.length) {
      this.state = 'select';
      return;
    }
    this.target.command('finish');
    this.state = 'done';
  }
}
