// Controller mode: start a session (the page's hand or the scripted one, 1x/10x/as fast as possible), the machine's state, and the end as the CLI prints it.
import type { EndMessage, OperatorChoice, SessionMessage, WelcomeMessage } from '../shared/messages.js';
import { byId, el } from './dom.js';

type Speed = NonNullable<WelcomeMessage['controller']>['speeds'][number];

/** What the panel asks the connection to send. */
export interface SessionActions {
  start(operator: OperatorChoice, speed: Speed): void;
  finish(): void;
  speed(speed: Speed): void;
}

const SPEED_LABELS: Readonly<Record<Speed, string>> = {
  '1x': '1x (real time)',
  '10x': '10x',
  max: 'as fast as possible',
};

/** The session controls and the machine's state line; the end panel below the map. */
export class SessionPanel {
  private readonly operator: HTMLSelectElement;
  private readonly speed: HTMLSelectElement;
  private readonly startButton: HTMLButtonElement;
  private readonly finishButton: HTMLButtonElement;

  constructor(host: HTMLElement, welcome: NonNullable<WelcomeMessage['controller']>, actions: SessionActions) {
    host.replaceChildren();
    this.operator = el('select');
    this.operator.id = 'session-operator';
    for (const choice of welcome.operators) {
      const label = choice === 'hand' ? 'your hand (hold an area)' : 'scripted hand';
      this.operator.append(new Option(label, choice));
    }
    this.speed = el('select');
    this.speed.id = 'session-speed';
    for (const speed of welcome.speeds) this.speed.append(new Option(SPEED_LABELS[speed], speed));
    this.startButton = el('button', 'session-start', 'start session');
    this.startButton.id = 'session-start';
    this.finishButton = el('button', undefined, 'finish');
    this.finishButton.id = 'session-finish';
    this.finishButton.disabled = true;
    this.startButton.addEventListener('click', () =>
      actions.start(this.operator.value as OperatorChoice, this.speed.value as Speed),
    );
    this.finishButton.addEventListener('click', () => actions.finish());
    this.speed.addEventListener('change', () => {
      if (!this.startButton.disabled) return;
      actions.speed(this.speed.value as Speed);
    });
    const controls = el('div', 'session-controls');
    controls.append(
      el('label', undefined, 'operator '),
      this.operator,
      el('label', undefined, 'speed '),
      this.speed,
      this.startButton,
      this.finishButton,
    );
    const plan = el(
      'p',
      'caption',
      `plan ${welcome.planSource}: ${welcome.mode} mode, client ${welcome.clientId ?? 'a fresh demo client per session'}`,
    );
    host.append(controls, plan);
  }

  update(session: SessionMessage): void {
    this.startButton.disabled = session.running;
    this.finishButton.disabled = !session.running || session.operator !== 'hand';
    this.operator.disabled = session.running;
    const state = byId('machine-state');
    const text =
      `session ${session.number} (${session.operator}, ${session.speed}): ${session.state}` +
      (session.currentArea === null ? '' : `; area ${session.currentArea}`) +
      (session.outcome === null
        ? ''
        : `; ${session.outcome}${session.outcomeReason ? ` (${session.outcomeReason})` : ''}`);
    if (state.textContent !== text) state.textContent = text;
    state.dataset.state = session.state;
    state.dataset.running = String(session.running);
  }

  /** The end: the summary table, aftercare and history as the CLI prints them. */
  showEnd(end: EndMessage): void {
    this.startButton.disabled = false;
    this.finishButton.disabled = true;
    this.operator.disabled = false;
    const host = byId('session-end');
    host.dataset.outcome = end.outcome;
    host.dataset.number = String(end.number);
    const summary = el('pre', 'cli-text', end.summaryText);
    summary.id = 'end-summary';
    const aftercare = el('ul', 'aftercare');
    aftercare.id = 'end-aftercare';
    for (const line of end.aftercare) aftercare.append(el('li', undefined, line));
    if (end.aftercare.length === 0) aftercare.append(el('li', undefined, 'none: no skin was treated'));
    const history = el('pre', 'cli-text', end.historyText);
    history.id = 'end-history';
    host.replaceChildren(
      el('h3', undefined, `Session ${end.number}: ${end.outcome}${end.outcomeReason ? ` (${end.outcomeReason})` : ''}`),
      summary,
      el('h3', undefined, 'Aftercare'),
      aftercare,
      el('h3', undefined, "The client's history"),
      history,
      ...(end.recordsFailed === null
        ? []
        : [el('p', 'alarm', `the records could not be written: ${end.recordsFailed}`)]),
    );
  }
}
