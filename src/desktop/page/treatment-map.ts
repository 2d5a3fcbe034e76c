// Controller mode: the face and body map of the plan's areas (passes of the limit, punctures of the budget, locked with the reason); press and hold is contact on an area.
import type { SessionMessage, WelcomeMessage } from '../shared/messages.js';
import { bindContactPad } from './contact-pad.js';
import { el } from './dom.js';

/** Where each area sits on the silhouette: its row and column of the map's grid (domain.md's area ids). */
const PLACES: Readonly<Record<string, readonly [row: number, column: number]>> = {
  scalp: [1, 2],
  forehead: [2, 2],
  periorbital: [3, 1],
  nose: [3, 2],
  cheeks: [3, 3],
  perioral: [4, 1],
  chin: [4, 2],
  jawline: [4, 3],
  neck: [5, 2],
  decollete: [6, 2],
  hands: [7, 1],
  body: [7, 3],
};

type Area = SessionMessage['areas'][number];

/** One button per plan area on a silhouette; holding a button sends contact on that area, releasing a lift-off. */
export class TreatmentMap {
  private readonly cells = new Map<string, HTMLButtonElement>();

  constructor(
    host: HTMLElement,
    welcome: NonNullable<WelcomeMessage['controller']>,
    setContact: (on: boolean, area: string) => void,
  ) {
    host.replaceChildren();
    const map = el('div', 'treatment-map');
    map.append(el('div', 'silhouette-head'), el('div', 'silhouette-neck'), el('div', 'silhouette-body'));
    for (const [index, area] of welcome.areas.entries()) {
      const place = PLACES[area.area] ?? [8 + Math.floor(index / 3), 1 + (index % 3)];
      const button = el('button', 'area');
      button.id = `area-${area.area}`;
      button.dataset.area = area.area;
      button.dataset.locked = 'false';
      button.style.gridRow = String(place[0]);
      button.style.gridColumn = String(place[1]);
      button.title = `press and hold: skin contact on ${area.area} (a glide); release: lift-off`;
      button.append(
        el('span', 'area-name', area.area),
        el('span', 'area-passes', `passes 0/${area.passes}`),
        el('span', 'area-punctures', 'punctures 0'),
        el('span', 'area-lock', ''),
      );
      bindContactPad(button, (on) => setContact(on, area.area));
      this.cells.set(area.area, button);
      map.append(button);
    }
    host.append(map);
  }

  update(session: SessionMessage): void {
    for (const area of session.areas) {
      const cell = this.cells.get(area.area);
      if (cell !== undefined) show(cell, area, session.currentArea === area.area);
    }
  }
}

function show(cell: HTMLButtonElement, area: Area, current: boolean): void {
  const [, passes, punctures, lock] = cell.children as unknown as HTMLElement[];
  setText(passes!, `passes ${area.passes}/${area.passLimit}`);
  setText(
    punctures!,
    `punctures ${area.punctures.toLocaleString('en')} of ${area.punctureBudget.toLocaleString('en')}`,
  );
  setText(lock!, area.locked ? `locked: ${area.lockReason ?? '?'}` : `${area.depthUm} um`);
  cell.dataset.locked = String(area.locked);
  cell.dataset.passes = String(area.passes);
  cell.dataset.current = String(current);
  if (area.lockReason !== null) cell.dataset.lockReason = area.lockReason;
}

function setText(node: HTMLElement, text: string): void {
  if (node.textContent !== text) node.textContent = text;
}
