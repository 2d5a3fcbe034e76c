// Writes docs/bench-record.schema.json from the bench record's zod schema (a test keeps the committed file current).
import { writeFileSync } from 'node:fs';
import { benchRecordJsonSchema } from '../src/bench/records/record-schema.js';

writeFileSync(
  new URL('../docs/bench-record.schema.json', import.meta.url),
  `${JSON.stringify(benchRecordJsonSchema(), null, 2)}\n`,
);
