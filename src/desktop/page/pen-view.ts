// The pen's status card: state, latched fault, last stop, contact, strokes, punctures, battery, cartridge, link.
import type { StatusMessage } from '../shared/messages.js';
import { codeLabel, el } from './dom.js';

type Field = readonly [id: string, label: string, value: (status: StatusMessage) => string];

const FIELDS: readonly Field[] = [
  ['pen-state', 'Pen state', (s) => codeLabel(s.state)],
  ['pen-fault', 'Latched fault', (s) => (s.fault === null ? 'none' : codeLabel(s.fault))],
  ['pen-last-stop', 'Last stop', (s) => (s.lastStop === null ? 'none' : codeLabel(s.lastStop))],
  ['pen-contact', 'Skin contact', (s) => (s.contact ? 'on skin' : 'lifted')],
  ['pen-motor', 'Motor', (s) => (s.motorOn ? 'driven' : 'off')],
  ['pen-strokes', 'Strokes (since boot)', (s) => s.strokes.toLocaleString('en')],
  ['pen-punctures', 'Punctures (desk run)', (s) => s.punctures.toLocaleString('en')],
  ['pen-battery', 'Battery', (s) => `${s.batteryPercent} % (${s.batteryMv} mV)`],
  [
    'pen-cartridge',
    'Cartridge',
    (s) => (s.cartridge === null ? 'none' : `${s.cartridge.id}, ${s.cartridge.needles} needles`),
  ],
  ['pen-telemetry', 'Telemetry', (s) => `${s.telemetryRateHz} Hz (set by the host)`],
  ['pen-host', 'Host link', (s) => (s.hostConnected ? 'connected' : 'no link session')],
  [
    'pen-link',
    'Serial link',
    (s) =>
      `${s.portOpen ? 'port open' : 'port closed'}${s.link.dropped ? ', unplugged' : ''}` +
      `${s.link.delayMs > 0 ? `, delay ${s.link.delayMs} ms` : ''}; lost ${s.link.lostToPenBytes}/${s.link.lostToHostBytes} B`,
  ],
  ['pen-frames', 'Frames dropped / refused', (s) => `${s.frames.dropped} / ${s.frames.refused}`],
  ['pen-active-faults', 'Injected, ongoing', (s) => (s.activeFaults.length === 0 ? 'none' : s.activeFaults.join(', '))],
  ['pen-boots', 'Boots', (s) => String(s.bootCount)],
];

/** Renders each status report into a definition list (one `dd` per field, id as in FIELDS). */
export class PenStatusView {
  private readonly values = new Map<string, HTMLElement>();

  constructor(host: HTMLElement) {
    const list = el('dl', 'status-list');
    for (const [id, label] of FIELDS) {
      list.append(el('dt', undefined, label));
      const value = el('dd', undefined, '-');
      value.id = id;
      this.values.set(id, value);
      list.append(value);
    }
    host.append(list);
  }

  update(status: StatusMessage): void {
    for (const [id, , value] of FIELDS) {
      const node = this.values.get(id) as HTMLElement;
      const text = value(status);
      if (node.textContent !== text) node.textContent = text;
    }
    const state = this.values.get('pen-state') as HTMLElement;
    state.dataset.state = status.state.name;
    (this.values.get('pen-fault') as HTMLElement).classList.toggle('alarm', status.fault !== null);
  }
}
