// Entry of the desk page: connects to its server with the page's token and routes each validated report to its view.
import {
  DESK_PROTOCOL_VERSION,
  type FaultRequest,
  type ServerMessage,
  type WelcomeMessage,
} from '../shared/messages.js';
import { DeskConnection, type ConnectionState } from './connection.js';
import { bindContactPad } from './contact-pad.js';
import { byId } from './dom.js';
import { EventLog } from './event-log.js';
import { FaultPanel } from './fault-panel.js';
import { bindStopKeys } from './keys.js';
import { PenStatusView } from './pen-view.js';
import { PenPlots } from './plots.js';
import { SessionPanel } from './session-panel.js';
import { TreatmentMap } from './treatment-map.js';

const token = new URLSearchParams(location.search).get('token') ?? '';
const plots = new PenPlots(byId('depth-plot'), byId('rate-plot'));
const status = new PenStatusView(byId('pen-status'));
const log = new EventLog(byId('events'));
let faults: FaultPanel | null = null;
let treatment: { map: TreatmentMap; panel: SessionPanel } | null = null;

const connection = new DeskConnection(`ws://${location.host}/ws?token=${encodeURIComponent(token)}`, {
  message: route,
  state: showConnection,
  invalid: (error) => showNotice(`ignored an invalid report: ${error}`),
});

function showConnection(state: ConnectionState): void {
  const node = byId('connection');
  node.textContent = state === 'open' ? 'connected' : state === 'connecting' ? 'connecting...' : 'disconnected';
  node.dataset.state = state;
}

function showNotice(text: string): void {
  byId('notice').textContent = text;
}

function welcome(message: WelcomeMessage): void {
  if (message.protocol !== DESK_PROTOCOL_VERSION) return showNotice(`server speaks desk protocol ${message.protocol}`);
  byId('mode').textContent =
    `${message.mode}: ${message.pen.sku} pen ${message.pen.serialNumber} on ${message.portPath}`;
  byId('caps').textContent =
    message.controller === undefined
      ? `pen cap ${message.pen.capUm} um, limiter trips above ${message.pen.tripUm} um`
      : `effective cap: the machine's for the area it works; the pen's limiter trips 50 um above the limit it holds`;
  if (message.controller !== undefined && treatment === null) showTreatment(message.controller);
  if (faults !== null) return;
  faults = new FaultPanel(byId('fault-controls'), byId('fault-outcomes'), message, {
    // The server validates every field; the form only names them.
    inject: (fault) => void connection.send({ type: 'inject', fault: fault as unknown as FaultRequest }),
    clearFaults: () => void connection.send({ type: 'clear-faults' }),
    powerCycle: () => void connection.send({ type: 'power-cycle' }),
  });
}

function showTreatment(controller: NonNullable<WelcomeMessage['controller']>): void {
  document.body.classList.add('controller');
  (document.querySelector('section.treatment') as HTMLElement).hidden = false;
  plots.resize(byId('depth-plot').clientWidth);
  treatment = {
    map: new TreatmentMap(byId('treatment-map'), controller, (on, area) => {
      connection.send({ type: 'contact', on, area });
    }),
    panel: new SessionPanel(byId('session-controls'), controller, {
      start: (operator, speed) => void connection.send({ type: 'start', operator, speed }),
      finish: () => void connection.send({ type: 'finish' }),
      speed: (speed) => void connection.send({ type: 'speed', speed }),
    }),
  };
}

function route(message: ServerMessage): void {
  switch (message.type) {
    case 'welcome':
      return welcome(message);
    case 'samples':
      return plots.add(message);
    case 'status':
      status.update(message);
      byId('feed').dataset.samplesPerSecond = String(message.feed.samplesPerSecond);
      return;
    case 'event':
      return log.add(message);
    case 'injection':
      return faults?.show(message);
    case 'session':
      treatment?.map.update(message);
      treatment?.panel.update(message);
      return;
    case 'end':
      return treatment?.panel.showEnd(message);
    case 'ack':
      return showNotice(`${message.request}: ${message.detail}`);
    case 'error':
      return showNotice(`refused: ${message.code}: ${message.message}`);
  }
}

const stop = (): void => void connection.send({ type: 'stop' });
const emergencyStop = (): void => void connection.send({ type: 'estop' });
bindStopKeys(window, stop, emergencyStop);
byId('stop').addEventListener('click', stop);
byId('estop').addEventListener('click', emergencyStop);
bindContactPad(byId('contact-pad'), (on) => void connection.send({ type: 'contact', on }));

let figuresAtMs = performance.now();
setInterval(() => {
  const nowMs = performance.now();
  const figures = plots.takeFigures((nowMs - figuresAtMs) / 1000);
  figuresAtMs = nowMs;
  const feed = byId('feed');
  feed.dataset.rowsPerSecond = String(figures.rowsPerSecond);
  feed.dataset.pointsPerSecond = String(figures.pointsPerSecond);
  feed.dataset.redrawsPerSecond = String(figures.redrawsPerSecond);
  feed.textContent =
    `telemetry in: ${feed.dataset.samplesPerSecond ?? 0} frames/s; shown: ${figures.rowsPerSecond} rows/s, ` +
    `${figures.pointsPerSecond} points/s, ${figures.redrawsPerSecond} redraws/s`;
}, 1000);

connection.connect();
