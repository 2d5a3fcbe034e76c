// An inline SVG line plot of one bench series, with the depth cap and the over-depth fault threshold drawn across it.
import type { SeriesRecord } from './record-schema.js';
import { xmlText } from './xml-text.js';

const WIDTH = 720;
const HEIGHT = 240;
const MARGIN = { left: 56, right: 110, top: 12, bottom: 32 };

/** Round tick steps: 1, 2 or 5 times a power of ten, about `count` of them over `span`. */
function tickStep(span: number, count: number): number {
  const raw = span / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((f) => f * power).find((step) => step >= raw) ?? power * 10;
}

/** The series as an SVG element (no script, no external reference). */
export function seriesSvg(series: SeriesRecord): string {
  const points = series.points.filter((p): p is [number, number] => p[1] !== null);
  const t0 = series.points[0]?.[0] ?? 0;
  const t1 = Math.max(t0 + 1, series.points[series.points.length - 1]?.[0] ?? t0 + 1);
  const values = points.map((p) => p[1]);
  const limits = [series.capUm, series.faultThresholdUm].filter((v): v is number => v !== null);
  const lo = Math.min(0, ...values);
  const hi = Math.max(1, ...values, ...limits) * 1.1;
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const x = (t: number): number => MARGIN.left + ((t - t0) / (t1 - t0)) * plotW;
  const y = (v: number): number => MARGIN.top + (1 - (v - lo) / (hi - lo)) * plotH;
  const parts: string[] = [];
  const yStep = tickStep(hi - lo, 5);
  for (let v = Math.ceil(lo / yStep) * yStep; v <= hi; v += yStep) {
    parts.push(
      `<line x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" class="grid"/>`,
    );
    parts.push(
      `<text x="${MARGIN.left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${Number(v.toPrecision(6))}</text>`,
    );
  }
  const tStep = tickStep((t1 - t0) / 1000, 6) * 1000;
  for (let t = t0; t <= t1; t += tStep) {
    parts.push(
      `<text x="${x(t).toFixed(1)}" y="${HEIGHT - 12}" text-anchor="middle">${Number(((t - t0) / 1000).toPrecision(6))}</text>`,
    );
  }
  parts.push(`<text x="${MARGIN.left + plotW / 2}" y="${HEIGHT - 1}" text-anchor="middle">bench time, s</text>`);
  parts.push(
    `<text x="12" y="${MARGIN.top + plotH / 2}" transform="rotate(-90 12 ${MARGIN.top + plotH / 2})" text-anchor="middle">${xmlText(series.units)}</text>`,
  );
  const limitLine = (value: number, css: string, label: string): void => {
    parts.push(
      `<line x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${y(value).toFixed(1)}" y2="${y(value).toFixed(1)}" class="${css}"/>`,
    );
    parts.push(
      `<text x="${MARGIN.left + plotW + 6}" y="${(y(value) + 4).toFixed(1)}" class="${css}-label">${xmlText(label)}</text>`,
    );
  };
  if (series.capUm !== null) limitLine(series.capUm, 'cap', `cap ${series.capUm} um`);
  if (series.faultThresholdUm !== null)
    limitLine(series.faultThresholdUm, 'fault', `fault ${series.faultThresholdUm} um`);
  // A null point (no reading) breaks the trace.
  let segment: string[] = [];
  const flush = (): void => {
    if (segment.length > 0) parts.push(`<polyline points="${segment.join(' ')}" class="trace"/>`);
    segment = [];
  };
  for (const [t, v] of series.points) {
    if (v === null) flush();
    else segment.push(`${x(t).toFixed(1)},${y(v).toFixed(1)}`);
  }
  flush();
  parts.push(`<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotW}" height="${plotH}" class="frame"/>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="${xmlText(`${series.name} (${series.source}) over bench time`)}">${parts.join('')}</svg>`;
}
