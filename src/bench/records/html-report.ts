// An HTML report of bench runs, readable offline: one file, inline CSS and SVG, nothing fetched, no script.
import { formatValue } from './format.js';
import type { BenchRecord, PhaseRecord } from './record-schema.js';
import { seriesSvg } from './svg-plot.js';
import { xmlText as h } from './xml-text.js';

const STYLE = `
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#1a1a1a;max-width:1100px}
h1{font-size:22px}h2{font-size:18px;margin-top:32px;border-top:1px solid #ccc;padding-top:16px}h3{font-size:15px}
table{border-collapse:collapse;margin:8px 0 16px}th,td{border:1px solid #ccc;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f2f2f2}td.num{text-align:right;font-variant-numeric:tabular-nums}
.PASS{color:#0a6b2d;font-weight:600}.FAIL{color:#b00020;font-weight:600}.ERROR,.TIMEOUT,.ABORTED{color:#8a4b00;font-weight:600}.SKIPPED{color:#666}
.marginal{color:#8a6d00}dl{display:grid;grid-template-columns:max-content auto;gap:2px 12px}dt{color:#555}dd{margin:0;font-family:ui-monospace,monospace;font-size:13px}
svg text{font:11px system-ui,sans-serif;fill:#333}.grid{stroke:#e5e5e5}.frame{fill:none;stroke:#999}.trace{fill:none;stroke:#1f5fbf;stroke-width:1.5}
.cap{stroke:#b00020;stroke-dasharray:6 4;stroke-width:1.5}.cap-label{fill:#b00020}.fault{stroke:#d97706;stroke-dasharray:2 3}.fault-label{fill:#d97706}`;

const outcome = (text: string): string => `<span class="${h(text)}">${h(text)}</span>`;

function phaseTable(phase: PhaseRecord): string {
  const rows = phase.measurements.map(
    (m) =>
      `<tr><td>${h(m.name)}</td><td class="num">${h(formatValue(m.value, m.units))}</td><td>${h(m.limit)}</td><td>${outcome(m.outcome)}${m.marginal ? ' <span class="marginal">marginal</span>' : ''}</td><td>${h(m.description ?? m.source)}</td></tr>`,
  );
  const steps = phase.steps.filter((s) => s.detail !== undefined && s.do !== 'measure');
  return [
    `<h3>${h(phase.id)}: ${h(phase.title)} ${outcome(phase.outcome)}</h3>`,
    phase.error === null ? '' : `<p>${h(phase.error)}</p>`,
    rows.length === 0
      ? ''
      : `<table><tr><th>measurement</th><th>value</th><th>limit</th><th>outcome</th><th>what</th></tr>${rows.join('')}</table>`,
    ...steps.map((s) => `<p><b>${h(s.do)}</b>: ${h(s.detail ?? '')}</p>`),
  ].join('\n');
}

function runSection(record: BenchRecord): string {
  const facts: [string, string][] = [
    ['scenario', `${record.scenario.id}${record.scenario.file === null ? '' : ` (${record.scenario.file})`}`],
    ['scenario sha256', record.scenario.sha256],
    [
      'verifies',
      [...record.scenario.verifies.invariants, ...record.scenario.verifies.hazards].join(', ') || 'a bench self-check',
    ],
    ['repeat, seed', `${record.repeat.index} of ${record.repeat.count}, seed ${record.seed}`],
    [
      'device under test',
      `${record.deviceUnderTest.description}; firmware ${record.deviceUnderTest.firmwareVersion ?? 'unknown'}, protocol ${record.deviceUnderTest.protocolVersion ?? 'unknown'}`,
    ],
    [
      'bench',
      `${record.bench.name}; ${record.bench.boardFirmware} (Firmata ${record.bench.firmataProtocol}) on ${record.bench.boardPath}; ${record.bench.clock} time`,
    ],
    [
      'gauge calibration',
      `${record.bench.calibration.source}: ${record.bench.calibration.umPerCount.toFixed(4)} um/count, zero ${record.bench.calibration.zeroCounts.toFixed(2)} counts`,
    ],
    [
      'software',
      `mnpen ${record.versions.controller}, johnny-five ${record.versions.johnnyFive}, firmata-io ${record.versions.firmataIo}, Node ${record.versions.node}`,
    ],
    [
      'run',
      `${record.startedAt} to ${record.endedAt}; ${((record.benchEndMs - record.benchStartMs) / 1000).toFixed(3)} s of bench time`,
    ],
  ];
  return [
    `<h2 id="${h(record.runId)}">${h(record.scenario.title)} ${outcome(record.outcome)}</h2>`,
    `<dl>${facts.map(([k, v]) => `<dt>${h(k)}</dt><dd>${h(v)}</dd>`).join('')}</dl>`,
    record.error === null ? '' : `<p><b>${h(record.outcome)}:</b> ${h(record.error)}</p>`,
    ...record.series.map((s) => `<h3>${h(s.name)} (${h(s.source)})</h3>${seriesSvg(s)}`),
    ...record.phases.map(phaseTable),
  ].join('\n');
}

/** The report for these runs as one self-contained HTML document. */
export function toHtmlReport(records: readonly BenchRecord[], title = 'mnpen bench report'): string {
  const summary = records.map((r) => {
    const failed = r.phases.flatMap((p) => p.measurements.filter((m) => m.outcome === 'FAIL').map((m) => m.name));
    return `<tr><td><a href="#${h(r.runId)}">${h(r.scenario.id)}</a></td><td class="num">${r.repeat.index}/${r.repeat.count}</td><td>${outcome(r.outcome)}</td><td class="num">${((r.benchEndMs - r.benchStartMs) / 1000).toFixed(3)} s</td><td>${h(failed.join(', ') || r.error || '')}</td></tr>`;
  });
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${h(title)}</title><style>${STYLE}</style></head><body>`,
    `<h1>${h(title)}</h1>`,
    `<table><tr><th>scenario</th><th>repeat</th><th>outcome</th><th>bench time</th><th>failed</th></tr>${summary.join('')}</table>`,
    ...records.map(runSection),
    '</body></html>',
    '',
  ].join('\n');
}
