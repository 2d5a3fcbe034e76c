import { createActor, transition } from 'xstate';
import { controllerMachine } from '../../src/machine/machine.js';
import { homePlan, inputOf, proInput } from './machine-harness.js';
import { modelEvents, serializeAbstract } from './machine-model.js';
const inputs: [string, any, any?][] = [
  ['home', inputOf(homePlan(2))],
  ['home1', inputOf(homePlan(1))],
  ['pro', proInput()],
  ['plan', inputOf(homePlan(1), { areaOrder: 'plan' })],
];
for (const [name, input, rec] of inputs) {
const ev = modelEvents(input, rec);
const start = createActor(controllerMachine, { input }).getSnapshot();
const seen = new Map<string, any>([[serializeAbstract(start), start]]);
const queue = [start];
let edges = 0; const t = performance.now();
while (queue.length && seen.size < 30000) {
  const s = queue.shift()!;
  if (s.status !== 'active') continue;
  for (const e of ev(s)) {
    edges++;
    const [n] = transition(controllerMachine, s, e);
    const k = serializeAbstract(n);
    if (!seen.has(k)) { seen.set(k, n); queue.push(n); }
  }
}
const counts = new Map<string, number>();
for (const v of seen.values()) { const k = JSON.stringify(v.value); counts.set(k, (counts.get(k) ?? 0) + 1); }
console.log(name, seen.size, edges, Math.round(performance.now() - t), [...counts].sort((a, b) => b[1] - a[1]).slice(0, 6).map(([k, v]) => k.replace(/[^a-zA-Z:]/g, '') + '=' + v).join(' '));
}
