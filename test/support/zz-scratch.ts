import { getShortestPaths } from 'xstate/graph';
import { controllerMachine } from '../../src/machine/machine.js';
import { homePlan, inputOf } from './machine-harness.js';
import { modelEvents, serializeAbstract } from './machine-model.js';
const input = inputOf(homePlan(1));
const paths = getShortestPaths(controllerMachine, {
  input,
  events: modelEvents(input),
  serializeState: serializeAbstract,
  stopWhen: (s) => s.status !== 'active',
});
const p = paths[5];
console.log(
  paths.length,
  p.steps.map((s) => [s.event.type, JSON.stringify(s.state.value)]),
  JSON.stringify(p.state.value),
  p.weight,
);
