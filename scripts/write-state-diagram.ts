// Rewrites the generated diagram of docs/state-machine.md from the machine (npm run docs:machine).
import { readFileSync, writeFileSync } from 'node:fs';
import { withCurrentDiagram } from '../src/machine/diagram.js';

const path = process.argv[2] ?? 'docs/state-machine.md';
writeFileSync(path, withCurrentDiagram(readFileSync(path, 'utf8')));
console.log(`diagram written to ${path}`);
