// Whether a scenario can run on a bench: its target kind, and whether it needs the controller or a simulated pen.
import { SOURCES } from '../scenarios/sources.js';
import { CONTROLLER_STEPS, type Scenario } from '../scenarios/scenario-schema.js';

export interface BenchCapabilities {
  readonly target: 'sim' | 'port';
  /** True when a BenchTarget (the controller on the session runner) is plugged in. */
  readonly controller: boolean;
}

/** True when a step or a measured or plotted source needs the controller. */
export function needsController(scenario: Scenario): boolean {
  return (
    scenario.phases.some(
      (phase) =>
        phase.steps.some((step) => (CONTROLLER_STEPS as readonly string[]).includes(step.do)) ||
        phase.measurements.some((m) => SOURCES[m.source].needs === 'controller'),
    ) || scenario.series.some((entry) => SOURCES[entry.source].needs === 'controller')
  );
}

/** Why the scenario cannot run with these capabilities; empty when it can. */
export function notRunnableReasons(scenario: Scenario, capabilities: BenchCapabilities): string[] {
  const reasons: string[] = [];
  if (!scenario.targets.includes(capabilities.target)) {
    reasons.push(`it runs on target ${scenario.targets.join(' or ')}, not ${capabilities.target}`);
  }
  if (needsController(scenario) && !capabilities.controller) {
    reasons.push(
      'it needs the controller (connect, command, session, direct or sweep steps, or controller.* sources), and this bench has none',
    );
  }
  return reasons;
}
