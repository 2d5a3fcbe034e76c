// The parameters the desk offers for each fault kind the simulator injects: names, units, bounds and defaults, for the page and the server alike.
import { FAULT_KINDS, type FaultKind } from '../../../sim/faults.js';
import { LEASE_MS } from '../../limits/index.js';

export { FAULT_KINDS, type FaultKind };

/** A bounded integer parameter of a fault. */
export interface NumberParameter {
  readonly name: string;
  readonly kind: 'integer';
  readonly unit: string;
  readonly min: number;
  readonly max: number;
  readonly default: number;
  /** NOTE: a value that would make the fault a no-op (0 drift) is refused, not silently injected. */
  readonly nonZero?: true;
  readonly doc: string;
}

/** A parameter chosen from a list. */
export interface ChoiceParameter {
  readonly name: string;
  readonly kind: 'choice';
  readonly choices: readonly string[];
  readonly default: string;
  readonly doc: string;
}

export type FaultParameter = NumberParameter | ChoiceParameter;

/** What each fault kind does, for the page's buttons. */
export const FAULT_DOCS: Readonly<Record<FaultKind, string>> = {
  'motor-stall': 'the rotor locks: stroke rate falls to 0',
  'encoder-drift': 'the depth encoder drifts from the true position',
  'encoder-freeze': 'the depth encoder reading freezes',
  'over-depth-runaway': 'the depth drive runs outward past its setpoint',
  'over-current': 'a shorted winding: motor current far above normal',
  'brown-out': 'the supply collapses, then the pen reboots',
  'pull-cartridge': 'the cartridge is pulled out',
  'link-garbage': 'line noise on the serial link',
  'link-drop': 'the link is unplugged: no bytes either way',
  'frame-delay': 'every byte on the link is delayed',
};

/**
 * Parameters per fault kind, bounded so that any accepted value is one the injector takes (S4).
 * Defaults are chosen to reach a limit within the watch (drift and delay beyond their tolerances).
 */
export const FAULT_PARAMETERS: Readonly<Record<FaultKind, readonly FaultParameter[]>> = {
  'motor-stall': [],
  'encoder-drift': [
    {
      name: 'umPerSecond',
      kind: 'integer',
      unit: 'um/s',
      min: -20_000,
      max: 20_000,
      default: 2_000,
      nonZero: true,
      doc: 'drift rate (either sign)',
    },
  ],
  'encoder-freeze': [],
  'over-depth-runaway': [
    { name: 'umPerMs', kind: 'integer', unit: 'um/ms', min: 1, max: 100, default: 5, doc: 'outward runaway speed' },
  ],
  'over-current': [],
  'brown-out': [
    {
      name: 'rebootAfterMs',
      kind: 'integer',
      unit: 'ms',
      min: 0,
      max: 10_000,
      default: 50,
      doc: 'collapsed supply time before the reboot',
    },
  ],
  'pull-cartridge': [],
  'link-garbage': [
    {
      name: 'bytes',
      kind: 'integer',
      unit: 'bytes',
      min: 1,
      max: 4096,
      default: 64,
      doc: 'random bytes put on the wire',
    },
    { name: 'direction', kind: 'choice', choices: ['both', 'toPen', 'toHost'], default: 'both', doc: 'which way' },
  ],
  'link-drop': [],
  'frame-delay': [
    {
      name: 'delayMs',
      kind: 'integer',
      unit: 'ms',
      min: 1,
      max: 10_000,
      default: 300,
      doc: `delivery delay both ways (beyond the ${LEASE_MS} ms lease it lapses)`,
    },
  ],
};
