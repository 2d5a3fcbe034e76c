// Model-based testing sweep: the machine's inventory, every graph edge swept with the oracle, paths replayed on real actors, coverage.
import { createActor, createEmptyActor, type AnyStateNode } from 'xstate';
import {
  controllerMachine,
  type ControllerEffect,
  type ControllerEvent,
  type ControllerInput,
} from '../../src/machine/index.js';
import { checkInertReaction, inertProbes } from './fold-check.js';
import { activeStateIds, serializeAbstract, type ControllerSnapshot, type ModelOptions } from './machine-model.js';
import { RunnerModel, checkEffects, checkInvariants } from './machine-oracle.js';

/** A transition of the machine definition: `source#EVENT#index`, eventless ones as `source#always#index`. */
export interface TransitionRef {
  readonly id: string;
  /** The guard's name (`a & b` for `and`), or `otherwise`. */
  readonly guard: string;
}

function guardLabel(guard: unknown): string {
  if (guard === undefined) return 'otherwise';
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'function' && 'guards' in guard && Array.isArray(guard.guards)) {
    return (guard.guards as unknown[]).map(guardLabel).join(' & ');
  }
  return String((guard as { type?: unknown }).type);
}

/**
 * Every state node id (root excluded) and every transition of the definition: each event
 * transition and each eventless (`always`) transition, with its guard.
 */
export function machineInventory(): { states: string[]; transitions: TransitionRef[] } {
  const states: string[] = [];
  const transitions: TransitionRef[] = [];
  const visit = (node: AnyStateNode): void => {
    for (const [eventType, list] of node.transitions)
      list.forEach((t, index) =>
        transitions.push({ id: `${node.id}#${eventType}#${index}`, guard: guardLabel(t.guard) }),
      );
    (node.always ?? []).forEach((t, index) =>
      transitions.push({ id: `${node.id}#always#${index}`, guard: guardLabel(t.guard) }),
    );
    for (const child of Object.values(node.states) as AnyStateNode[]) {
      states.push(child.id);
      visit(child);
    }
  };
  visit(controllerMachine.root);
  return { states, transitions };
}

/** Id of a transition definition as in `machineInventory`. */
export function transitionId(transition: { source: AnyStateNode; eventType: string }): string {
  const { source, eventType } = transition;
  if (eventType === '') return `${source.id}#always#${(source.always ?? []).indexOf(transition as never)}`;
  const list = source.transitions.get(eventType) ?? [];
  return `${source.id}#${eventType}#${list.indexOf(transition as never)}`;
}

/** Coverage: state ids entered (transient ones included) and transition ids taken, on real actors and in sweeps. */
export interface Coverage {
  readonly states: Set<string>;
  readonly replayed: Set<string>;
  readonly swept: Set<string>;
}

export function createCoverage(): Coverage {
  return { states: new Set(), replayed: new Set(), swept: new Set() };
}

interface MicrostepInspection {
  readonly type: string;
  readonly snapshot?: unknown;
  readonly _transitions?: readonly { source: AnyStateNode; eventType: string }[];
}

/** Notes the states and transitions of a `@xstate.microstep` inspection event. */
function noteMicrostep(inspection: MicrostepInspection, states: Set<string>, transitions: Set<string>): void {
  if (inspection.type !== '@xstate.microstep') return;
  for (const id of activeStateIds(inspection.snapshot as ControllerSnapshot)) states.add(id);
  for (const transition of inspection._transitions ?? []) transitions.add(transitionId(transition));
}

/**
 * The controller machine as logic for xstate/graph, with every edge the traversal explores swept:
 * each transition runs once in an actor scope that collects its effects and its microsteps, and
 * the step invariants and effect rules are checked on it. Returns the logic and the violations.
 */
export function sweptMachine(input: ControllerInput, coverage: Coverage) {
  const violations: string[] = [];
  let edges = 0;
  let folds = 0;
  let probing = false;
  let effects: ControllerEffect[] = [];
  const empty = createEmptyActor();
  const system = Object.create(empty.system, {
    _sendInspectionEvent: {
      // NOTE: fold probes are not edges of the graph: their transitions are not coverage.
      value: (inspection: MicrostepInspection) =>
        probing ? undefined : noteMicrostep(inspection, coverage.states, coverage.swept),
    },
  });
  const scope = {
    self: empty,
    system,
    id: '',
    sessionId: 'model',
    logger: () => {},
    defer: () => {},
    stopChild: () => {},
    emit: () => {},
    actionExecutor: (action: { type: string; params?: unknown }) => {
      if (action.type === 'xstate.emit') effects.push((action.params as { event: ControllerEffect }).event);
    },
  } as unknown as Parameters<typeof controllerMachine.transition>[2];
  const logic = Object.create(controllerMachine) as typeof controllerMachine;
  logic.transition = (previous, event) => {
    effects = [];
    const next = controllerMachine.transition(previous, event, scope);
    edges += 1;
    const found = [...checkInvariants(input, previous, next, event), ...checkEffects(input, previous, next, effects)];
    for (const violation of found)
      violations.push(`${violation} on ${event.type} in ${JSON.stringify(previous.value)}`);
    for (const probe of inertProbes(previous, event)) {
      effects = [];
      probing = true;
      const probed = controllerMachine.transition(previous, probe, scope);
      probing = false;
      folds += 1;
      violations.push(...checkInertReaction(previous, probe, probed, effects));
    }
    return next;
  };
  return { logic, violations, edges: () => edges, folds: () => folds };
}

/** A path of xstate/graph: its first step is `xstate.init`, each step holds the state after its event. */
export interface GraphPath {
  readonly state: ControllerSnapshot;
  readonly steps: readonly { readonly state: ControllerSnapshot; readonly event: ControllerEvent }[];
}

/** The events of a path, without `xstate.init`. */
export const eventsOf = (path: GraphPath): ControllerEvent[] =>
  path.steps.map((step) => step.event).filter((event) => (event.type as string) !== 'xstate.init');

/**
 * The shortest paths that are no other path's prefix: a shortest path is its parent's path plus
 * one edge, so replaying these replays every shortest path.
 */
export function maximalPaths(paths: readonly GraphPath[]): GraphPath[] {
  const parents = new Set<string>();
  for (const path of paths) {
    const parent = path.steps[path.steps.length - 2];
    if (parent !== undefined) parents.add(serializeAbstract(parent.state));
  }
  return paths.filter((path) => !parents.has(serializeAbstract(path.state)));
}

/**
 * Replays `events` on a real actor, its emitted effects collected, checking after every event
 * the step invariants, the effect rules and the runner's rules. Returns the violations found,
 * each with its path (none expected).
 */
export function replay(
  input: ControllerInput,
  events: readonly ControllerEvent[],
  coverage: Coverage,
  options: ModelOptions = {},
): string[] {
  const actor = createActor(controllerMachine, {
    input,
    inspect: (inspection) => noteMicrostep(inspection, coverage.states, coverage.replayed),
  });
  let effects: ControllerEffect[] = [];
  actor.on('*', (effect) => void effects.push(effect as ControllerEffect));
  actor.start();
  const runner = new RunnerModel(options.resumed ?? null);
  const violations: string[] = [];
  for (const state of activeStateIds(actor.getSnapshot())) coverage.states.add(state);
  events.forEach((event, step) => {
    const before = actor.getSnapshot();
    runner.onEvent(event);
    effects = [];
    actor.send(event);
    const after = actor.getSnapshot();
    const found = [
      ...checkInvariants(input, before, after, event),
      ...checkEffects(input, before, after, effects),
      ...runner.onEffects(effects, after),
    ];
    if (found.length > 0) {
      const path = events.slice(0, step + 1).map((e) => e.type);
      violations.push(...found.map((violation) => `${violation} after ${path.join(' ')}`));
    }
  });
  actor.stop();
  return violations;
}

/** The first violation of each kind (its text before ` on ` or ` after `, digits aside), at most `count`. */
export function firstOfEachKind(violations: readonly string[], count = 6): string[] {
  const kinds = new Map<string, string>();
  for (const violation of violations) {
    const kind = violation.split(/ on | after /)[0]!.replace(/\d+/g, '#');
    if (!kinds.has(kind)) kinds.set(kind, violation);
  }
  return [...kinds.values()].slice(0, count);
}

/** Coverage figures: states and transitions covered of total, and what was never covered. */
export function coverageReport(coverage: Coverage) {
  const inventory = machineInventory();
  const missingStates = inventory.states.filter((id) => !coverage.states.has(id));
  const replayed = inventory.transitions.filter((t) => coverage.replayed.has(t.id)).length;
  const missing = inventory.transitions.filter((t) => !coverage.replayed.has(t.id) && !coverage.swept.has(t.id));
  return {
    states: { covered: inventory.states.length - missingStates.length, total: inventory.states.length },
    missingStates,
    replayed,
    transitions: { covered: inventory.transitions.length - missing.length, total: inventory.transitions.length },
    missing,
  };
}
