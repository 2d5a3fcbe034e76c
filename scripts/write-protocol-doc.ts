// Rewrites the generated half of docs/protocol.md from the catalog (npm run docs:protocol).
import { readFileSync, writeFileSync } from 'node:fs';
import { GENERATED_BEGIN, renderGeneratedProtocolDoc } from '../src/protocol/doc.js';

const path = new URL('../docs/protocol.md', import.meta.url);
const current = readFileSync(path, 'utf8');
const head = current.includes(GENERATED_BEGIN) ? current.slice(0, current.indexOf(GENERATED_BEGIN)) : current;
writeFileSync(path, head + renderGeneratedProtocolDoc());
