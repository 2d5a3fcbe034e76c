// Plans and observers shared by the controller end-to-end tests.
import { parsePlan, type Plan } from '../../src/policy/index.js';
import type { PenSimulation } from '../../sim/index.js';

/** Parses a plan literal; throws if it is invalid (a fixture bug). */
export function plan(json: unknown): Plan {
  const result = parsePlan(json);
  if (!result.ok) throw new Error(`fixture plan invalid: ${JSON.stringify(result.errors)}`);
  return result.plan;
}

export const HOME_FULL_FACE = plan({
  mode: 'home',
  areas: [
    { area: 'forehead', depthMm: 0.25, passes: 4 },
    { area: 'cheeks', depthMm: 0.25, passes: 6, strokeHz: 120 },
    { area: 'nose', depthMm: 0.2, passes: 4 },
    { area: 'chin', depthMm: 0.25, passes: 5 },
  ],
});

export const PRO_ACNE_SCARS = plan({
  mode: 'pro',
  areas: [
    { area: 'cheeks', depthMm: 1.5, passes: 6, strokeHz: 120 },
    { area: 'jawline', depthMm: 1.0, passes: 5 },
  ],
});

export interface ContactObservation {
  readonly atMs: number;
  readonly motorCommandHz: number;
}

/** Records, for every touch-down of the operator's hand, the pen's motor command at that moment. */
export function observeTouchDowns(simulation: PenSimulation): ContactObservation[] {
  const touches: ContactObservation[] = [];
  const skin = simulation.pen.hardware.skin;
  const setContact = skin.setContact.bind(skin);
  skin.setContact = (contact: boolean) => {
    if (contact && !skin.isInContact)
      touches.push({ atMs: simulation.nowMs, motorCommandHz: simulation.pen.hardware.motor.commandHz });
    setContact(contact);
  };
  return touches;
}
