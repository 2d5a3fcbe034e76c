import { getAdjacencyMap, getShortestPaths } from 'xstate/graph';
import { controllerMachine } from '../../src/machine/machine.js';
import { homePlan, inputOf, proInput, planOf } from './machine-harness.js';
import { modelEvents, serializeAbstract } from './machine-model.js';
const inputs: [string, any, any?][] = [
  ['home', inputOf(homePlan(2))],
  ['pro', proInput()],
  ['plan', inputOf(homePlan(1), { areaOrder: 'plan' })],
  ['plan2', inputOf(homePlan(2), { areaOrder: 'plan' })],
  ['budget', inputOf(homePlan(2), { exposureBudgets: { areaPunctures: 300 } })],
  ['resume', inputOf(homePlan(2)), { resumed: { sessionId: 7, openedPassesByArea: { forehead: 1 }, usedByArea: { forehead: { punctures: 480, contactMs: 400 } } } }],
];
for (const [name, input, rec] of inputs) {
  let t = performance.now();
  const adj = getAdjacencyMap(controllerMachine, { input, events: modelEvents(input, rec), serializeState: serializeAbstract });
  const n = Object.keys(adj).length;
  let edges = 0; for (const v of Object.values(adj)) edges += Object.keys(v.transitions).length;
  const t1 = performance.now() - t; t = performance.now();
  const paths = getShortestPaths(controllerMachine, { input, events: modelEvents(input, rec), serializeState: serializeAbstract });
  const lens = paths.map((p) => p.steps.length);
  console.log(name, n, edges, Math.round(t1), 'ms adj;', paths.length, 'paths', Math.round(performance.now() - t), 'ms; max len', Math.max(...lens), 'sum', lens.reduce((a, b) => a + b, 0));
}
