// Model-based tests: paths generated from the machine by xstate/graph, replayed on a real actor (S1, S5, S9, S13).
import { afterAll, describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { getAdjacencyMap, getShortestPaths, getSimplePaths } from 'xstate/graph';
import type { ControllerEvent, ControllerInput, ControllerEventType } from './events.js';
import { controllerMachine } from './machine.js';
import {
  PRO_CREDENTIAL,
  checkInvariants,
  createCoverage,
  machineInventory,
  modelEvents,
  replay,
  serializeAbstract,
  transitionId,
  type ControllerSnapshot,
} from '../../test/support/machine-model.js';
import { homePlan, planOf, proPlan, toSession } from '../../test/support/machine-harness.js';

const HOME: ControllerInput = { plan: homePlan(2), mode: 'home' };
const PRO: ControllerInput = { plan: proPlan(), mode: 'pro', proCredentialExpected: PRO_CREDENTIAL };
/** Small budgets, so exposure stops are in the graph: 30 live strokes x 12 needles reach 300 punctures. */
const BUDGET: ControllerInput = { plan: homePlan(2), mode: 'home', exposureBudgets: { areaPunctures: 300 } };
/** A plan for the other mode: refused at START_SESSION. */
const MISMATCH: ControllerInput = { plan: homePlan(2), mode: 'pro', proCredentialExpected: PRO_CREDENTIAL };
const coverage = createCoverage();
const serializeState = (snapshot: ControllerSnapshot) => serializeAbstract(snapshot);

type Path = { steps: { event: ControllerEvent }[] };
const eventsOf = (path: Path): ControllerEvent[] =>
  path.steps.map((step) => step.event).filter((event) => (event.type as string) !== 'xstate.init');

function onlyEvents(input: ControllerInput, types: readonly ControllerEventType[]) {
  const all = modelEvents(input);
  return (snapshot: ControllerSnapshot) => all(snapshot).filter((event) => types.includes(event.type));
}

const isSession = (snapshot: ControllerSnapshot) =>
  typeof snapshot.value === 'object' && 'connected' in snapshot.value && typeof snapshot.value.connected === 'object';

describe('model-based replay', () => {
  it.each([
    ['home', HOME],
    ['pro', PRO],
  ] as const)('S1 S5 S9 S13: every shortest path of the %s model keeps the invariants', (_, input) => {
    const paths = getShortestPaths(controllerMachine, { input, events: modelEvents(input), serializeState });
    expect(paths.length).toBeGreaterThan(1000);
    const violations = paths.flatMap((path) => replay(input, eventsOf(path as Path), coverage));
    expect(violations.slice(0, 5)).toEqual([]);
    console.log(`${input.mode}: ${paths.length} shortest paths replayed`);
  });

  it('S9 S13: every simple path through the handshake, unlock, faults and reset keeps the invariants', () => {
    const events = onlyEvents(PRO, [
      'CONNECT',
      'LINK_OPENED',
      'LINK_FAILED',
      'INFO_RECEIVED',
      'HANDSHAKE_TIMEOUT',
      'UNLOCK_PRO',
      'START_SESSION',
      'STOP',
      'ESTOP',
      'RESET',
      'LINK_DEAD',
      'PEN_FAULT',
    ]);
    const paths = getSimplePaths(controllerMachine, {
      input: PRO,
      events,
      serializeState,
      stopWhen: (snapshot) => snapshot.status === 'done' || isSession(snapshot),
    });
    expect(paths.length).toBeGreaterThan(20);
    const violations = paths.flatMap((path) => replay(PRO, eventsOf(path as Path), coverage));
    expect(violations).toEqual([]);
    console.log(`handshake: ${paths.length} simple paths replayed`);
  });

  it('S1 S5: every simple path through arming and passes of one area keeps the invariants', () => {
    const input: ControllerInput = {
      plan: planOf({ mode: 'home', areas: [{ area: 'neck', depthMm: 0.25, passes: 1 }] }),
      mode: 'home',
    };
    const prefix = toSession();
    const actor = createActor(controllerMachine, { input }).start();
    prefix.forEach((event) => actor.send(event));
    const events = onlyEvents(input, [
      'SELECT_AREA',
      'COMMAND_ACKED',
      'CONTACT_ON',
      'CONTACT_OFF',
      'PASS_DEBOUNCE_ELAPSED',
    ]);
    const paths = getSimplePaths(controllerMachine, {
      input,
      fromState: actor.getSnapshot(),
      events,
      serializeState,
      stopWhen: (snapshot) => snapshot.status === 'done' || snapshot.value === 'fault',
    });
    expect(paths.length).toBeGreaterThan(1000);
    const violations = paths.flatMap((path) => replay(input, [...prefix, ...eventsOf(path as Path)], coverage));
    expect(violations.slice(0, 5)).toEqual([]);
    console.log(`treating: ${paths.length} simple paths replayed`);
  });

  it.each([
    ['home', HOME],
    ['pro', PRO],
    ['budget', BUDGET],
    ['mismatch', MISMATCH],
  ] as const)(
    'S1 S5 S6 S13: every edge of the %s graph keeps the invariants; none leaves fault but RESET/ESTOP',
    (name, input) => {
      const adjacency = getAdjacencyMap(controllerMachine, { input, events: modelEvents(input), serializeState });
      const violations: string[] = [];
      let edges = 0;
      for (const vertex of Object.values(adjacency)) {
        const from = vertex.state as ControllerSnapshot;
        const transitions = vertex.transitions as Record<string, { event: ControllerEvent; state: unknown }>;
        for (const { event, state } of Object.values(transitions)) {
          const to = state as ControllerSnapshot;
          edges += 1;
          for (const transition of controllerMachine.getTransitionData(from, event)) {
            coverage.edgeTransitions.add(transitionId(transition));
          }
          const unlocked = from.context.proUnlocked || to.context.proUnlocked;
          violations.push(...checkInvariants(from.context, to, event, unlocked));
          if (from.value === 'fault' && to.value !== 'fault') {
            const allowed =
              (event.type === 'RESET' && to.value === 'disconnected') ||
              (event.type === 'ESTOP' && to.value === 'emergencyStop');
            if (!allowed) violations.push(`S13: fault -> ${JSON.stringify(to.value)} by ${event.type}`);
          }
        }
      }
      expect(violations.slice(0, 5)).toEqual([]);
      expect(edges).toBeGreaterThan(100);
      console.log(`${name}: ${Object.keys(adjacency).length} abstract states, ${edges} edges checked`);
    },
  );

  it('S9: graph search: no path reaches professional depth without a valid UNLOCK_PRO', () => {
    const all = modelEvents(PRO);
    const withoutUnlock = (snapshot: ControllerSnapshot) =>
      all(snapshot).filter((event) => !(event.type === 'UNLOCK_PRO' && event.credential === PRO_CREDENTIAL));
    const proDepth = (snapshot: ControllerSnapshot) => snapshot.context.commandedDepthUm > 250;
    expect(
      getShortestPaths(controllerMachine, { input: PRO, events: withoutUnlock, serializeState, toState: proDepth }),
    ).toEqual([]);
    const unlocked = getShortestPaths(controllerMachine, {
      input: PRO,
      events: all,
      serializeState,
      toState: proDepth,
    });
    expect(unlocked.length).toBeGreaterThan(0);
    const firstPath = eventsOf(unlocked[0] as Path).map((event) => event.type);
    expect(firstPath).toContain('UNLOCK_PRO');
  });

  afterAll(() => {
    const inventory = machineInventory();
    const statesCovered = inventory.states.filter((id) => coverage.states.has(id));
    const replayed = inventory.transitions.filter((id) => coverage.transitions.has(id));
    const exercised = inventory.transitions.filter(
      (id) => coverage.transitions.has(id) || coverage.edgeTransitions.has(id),
    );
    const missing = inventory.transitions.filter((id) => !exercised.includes(id));
    console.log(
      `model coverage: states ${statesCovered.length}/${inventory.states.length}; ` +
        `transitions taken in replays ${replayed.length}/${inventory.transitions.length}, ` +
        `with the edge sweep ${exercised.length}/${inventory.transitions.length}` +
        (missing.length > 0 ? `; never taken: ${missing.join(', ')}` : ''),
    );
    expect(statesCovered.length).toBe(inventory.states.length);
  });
});
