// The event log: every clamp, refusal, stop and fault with its reason code as it happens, newest first, bounded.
import type { EventMessage } from '../shared/messages.js';
import { el } from './dom.js';

/** Rows kept on screen. */
const MAX_ROWS = 300;

/** Prepends one row per event; the oldest rows fall off. */
export class EventLog {
  private readonly list: HTMLOListElement;

  constructor(host: HTMLElement) {
    this.list = el('ol', 'event-log');
    this.list.id = 'event-log';
    host.append(this.list);
  }

  add(event: EventMessage): void {
    const row = el('li', `event event-${event.kind}`);
    row.dataset.kind = event.kind;
    row.dataset.name = event.name;
    if (event.code !== null) row.dataset.code = String(event.code);
    const code = event.code === null ? '' : ` (0x${event.code.toString(16).padStart(2, '0')})`;
    row.append(
      el('span', 'event-time', `${(event.atMs / 1000).toFixed(3)} s`),
      el('span', 'event-kind', event.kind),
      el('span', 'event-name', `${event.name}${code}`),
      el('span', 'event-detail', event.detail),
    );
    this.list.prepend(row);
    while (this.list.childElementCount > MAX_ROWS) this.list.lastElementChild?.remove();
  }
}
