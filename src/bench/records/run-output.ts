// Where a bench invocation writes: a JSON-lines stream while it runs, one JSON record per run, the HTML report, JUnit XML.
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { BenchEvent } from '../executor/run-scenario.js';
import { toHtmlReport } from './html-report.js';
import { toJUnitXml } from './junit.js';
import type { BenchRecord } from './record-schema.js';

/** The files of one invocation under `dir`: stream.jsonl, RUN_ID.json per run, report.html. */
export class RunOutput {
  readonly streamFile: string;
  readonly reportFile: string;
  private readonly fd: number;
  private closed = false;

  /** Creates `dir` if needed. Throws the file system's error when it cannot. */
  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
    this.streamFile = join(dir, 'stream.jsonl');
    this.reportFile = join(dir, 'report.html');
    this.fd = openSync(this.streamFile, 'a');
  }

  /** Appends one event as a JSON line at once (a reader tailing the file sees it while the run goes on). */
  event(event: BenchEvent): void {
    if (!this.closed) writeSync(this.fd, `${JSON.stringify({ at: new Date().toISOString(), ...event })}\n`);
  }

  /** Writes a run's record as DIR/RUN_ID.json; returns its path. */
  record(record: BenchRecord): string {
    const file = join(this.dir, `${record.runId}.json`);
    writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
    return file;
  }

  /** Writes the HTML report (and the JUnit XML to `junitFile` when given) and closes the stream. */
  finish(records: readonly BenchRecord[], junitFile?: string): void {
    writeFileSync(this.reportFile, toHtmlReport(records));
    if (junitFile !== undefined) {
      mkdirSync(dirname(junitFile), { recursive: true });
      writeFileSync(junitFile, toJUnitXml(records));
    }
    if (!this.closed) closeSync(this.fd);
    this.closed = true;
  }
}
