// Aftercare instructions from domain.md as data: printed after every completed session and kept in its summary.

export interface AftercareItem {
  /** Stable id, for the JSON summary and translations. */
  readonly id: string;
  readonly text: string;
  /** How long the instruction applies, in hours after the session; absent when open-ended. */
  readonly forHours?: number;
  /** NOTE: warning signs that need medical care: shown last and marked. */
  readonly isWarning?: boolean;
}

export const AFTERCARE: readonly AftercareItem[] = Object.freeze(
  [
    {
      id: 'sunProtection',
      text: 'Apply broad-spectrum sunscreen (SPF 30+) daily and avoid direct sun for several days.',
    },
    { id: 'noMakeup', text: 'No makeup for 24 hours.', forHours: 24 },
    {
      id: 'noActives',
      text: 'No retinoids, acids (AHA/BHA) or strong vitamin C for 72 hours.',
      forHours: 72,
    },
    { id: 'noSweatSaunaPool', text: 'No sweating, sauna or swimming pool for 48 hours.', forHours: 48 },
    { id: 'hydrate', text: 'Use gentle hydration (for example hyaluronic acid).' },
    { id: 'doNotPick', text: 'Do not pick at the skin.' },
    {
      id: 'seekCare',
      text: 'Increasing pain, pus, spreading redness or fever: seek medical care.',
      isWarning: true,
    },
  ].map((item: AftercareItem) => Object.freeze(item)),
);

/** The aftercare instructions as printable lines ("- text"; warnings prefixed "WARNING:"). */
export function aftercareLines(): string[] {
  return AFTERCARE.map((item) => (item.isWarning ? `- WARNING: ${item.text}` : `- ${item.text}`));
}
