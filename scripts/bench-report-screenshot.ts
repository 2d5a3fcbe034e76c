// Renders the bench's HTML report of a real run in Chromium and saves docs/img/bench-report.png (README).
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBench } from '../src/bench/run-bench.js';
import { toHtmlReport } from '../src/bench/records/html-report.js';
import { resolveScenario } from '../src/bench/scenarios/load-scenario.js';
import { openControllerSimBench } from '../src/wiring/bench-benches.js';
import { launchBrowser } from '../test/support/browser.js';

const records = await runBench({
  scenarios: ['over-depth-latch', 'depth-accuracy'].map((id) => resolveScenario(id)),
  seed: 1,
  openBench: openControllerSimBench,
});
const file = join(tmpdir(), 'mnpen-bench-report.html');
writeFileSync(file, toHtmlReport(records));
const browser = await launchBrowser();
try {
  await browser.page.goto(`file://${file}`);
  await browser.page.screenshot({ path: 'docs/img/bench-report.png', fullPage: false });
} finally {
  await browser.close();
}
console.log(`docs/img/bench-report.png from ${records.map((r) => `${r.scenario.id} ${r.outcome}`).join(', ')}`);
