// Rewrites the generated parts of docs/protocol.md: the pen's state tables (firmware) and the catalog half (npm run docs:protocol).
import { readFileSync, writeFileSync } from 'node:fs';
import { withPenStateDoc } from '../firmware/state-doc.js';
import { GENERATED_BEGIN, renderGeneratedProtocolDoc } from '../src/protocol/doc.js';

const path = new URL('../docs/protocol.md', import.meta.url);
const current = withPenStateDoc(readFileSync(path, 'utf8'), GENERATED_BEGIN);
const head = current.includes(GENERATED_BEGIN) ? current.slice(0, current.indexOf(GENERATED_BEGIN)) : current;
writeFileSync(path, head + renderGeneratedProtocolDoc());
