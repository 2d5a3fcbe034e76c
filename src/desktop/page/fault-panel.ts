// Fault injection: one control per fault kind the simulator offers, and each injection's outcome: what latched, why it stopped, time to safe.
import type { FaultParameter } from '../shared/fault-options.js';
import type { InjectionMessage, WelcomeMessage } from '../shared/messages.js';
import { codeLabel, el } from './dom.js';

/** What the panel asks the connection to send. */
export interface FaultPanelActions {
  inject(fault: Record<string, string | number>): void;
  clearFaults(): void;
  powerCycle(): void;
}

function parameterInput(kind: string, parameter: FaultParameter): HTMLInputElement | HTMLSelectElement {
  if (parameter.kind === 'choice') {
    const select = el('select');
    for (const choice of parameter.choices) select.append(new Option(choice, choice, choice === parameter.default));
    select.name = parameter.name;
    select.title = parameter.doc;
    return select;
  }
  const input = el('input');
  input.type = 'number';
  input.name = parameter.name;
  input.min = String(parameter.min);
  input.max = String(parameter.max);
  input.step = '1';
  input.value = String(parameter.default);
  input.title = `${parameter.doc} (${parameter.min}..${parameter.max} ${parameter.unit})`;
  input.id = `fault-${kind}-${parameter.name}`;
  return input;
}

function outcomeText(outcome: InjectionMessage): { latched: string; stop: string; safe: string } {
  const latched =
    outcome.alreadyLatched !== null
      ? `already latched: ${codeLabel(outcome.alreadyLatched)}`
      : outcome.latched === null
        ? outcome.done
          ? 'nothing latched'
          : '...'
        : `${codeLabel(outcome.latched)} after ${outcome.latched.afterMs} ms`;
  const stop =
    outcome.stop === null
      ? outcome.done
        ? 'no stop'
        : '...'
      : `${codeLabel(outcome.stop)} after ${outcome.stop.afterMs} ms`;
  const safe = outcome.wasSafe
    ? 'already safe'
    : outcome.safeAfterMs !== null
      ? `${outcome.safeAfterMs} ms`
      : outcome.done
        ? 'not safe within the watch'
        : '...';
  return { latched, stop, safe: outcome.rebooted ? `${safe} (rebooted)` : safe };
}

/** Builds the controls from the welcome's fault list and keeps one outcome row per injection. */
export class FaultPanel {
  private readonly rows = new Map<number, HTMLTableRowElement>();
  private readonly body: HTMLTableSectionElement;

  constructor(
    controlsHost: HTMLElement,
    outcomesHost: HTMLElement,
    welcome: WelcomeMessage,
    actions: FaultPanelActions,
  ) {
    for (const fault of welcome.faults) {
      const form = el('form', 'fault');
      form.dataset.kind = fault.kind;
      const inputs = fault.parameters.map((parameter) => parameterInput(fault.kind, parameter));
      const button = el('button', 'inject', fault.kind);
      button.type = 'submit';
      button.id = `inject-${fault.kind}`;
      button.title = fault.doc;
      form.append(button, ...inputs);
      form.addEventListener('submit', (event) => {
        event.preventDefault();
        const spec: Record<string, string | number> = { kind: fault.kind };
        fault.parameters.forEach((parameter, index) => {
          const value = (inputs[index] as HTMLInputElement | HTMLSelectElement).value;
          spec[parameter.name] = parameter.kind === 'choice' ? value : Number(value);
        });
        actions.inject(spec);
      });
      controlsHost.append(form);
    }
    const clear = el('button', 'secondary', 'end injected faults');
    clear.id = 'clear-faults';
    clear.addEventListener('click', () => actions.clearFaults());
    const power = el('button', 'secondary', 'power-cycle the pen');
    power.id = 'power-cycle';
    power.addEventListener('click', () => actions.powerCycle());
    controlsHost.append(el('div', 'fault-actions'));
    controlsHost.lastElementChild?.append(clear, power);

    const table = el('table', 'outcomes');
    table.id = 'injections';
    const head = el('tr');
    for (const title of ['#', 'fault', 'at (s)', 'latched', 'stop', 'time to safe'])
      head.append(el('th', undefined, title));
    table.createTHead().append(head);
    this.body = table.createTBody();
    outcomesHost.append(table);
  }

  /** Adds or updates the row of one injection. */
  show(outcome: InjectionMessage): void {
    let row = this.rows.get(outcome.id);
    if (row === undefined) {
      row = el('tr');
      row.id = `injection-${outcome.id}`;
      for (let i = 0; i < 6; i++) row.append(el('td'));
      this.rows.set(outcome.id, row);
      this.body.prepend(row);
    }
    const { latched, stop, safe } = outcomeText(outcome);
    const cells = [String(outcome.id), outcome.kind, (outcome.atMs / 1000).toFixed(3), latched, stop, safe];
    cells.forEach((text, index) => ((row.children[index] as HTMLElement).textContent = text));
    row.dataset.kind = outcome.kind;
    row.dataset.done = String(outcome.done);
    if (outcome.latched !== null) row.dataset.latched = outcome.latched.name;
    if (outcome.safeAfterMs !== null) row.dataset.safeAfterMs = String(outcome.safeAfterMs);
  }
}
