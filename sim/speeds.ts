// Virtual-time speeds of a simulated session watched by a person (the desktop page offers them; sim/pace.ts keeps them).
/** 1x and 10x real time, or as fast as possible. */
export const SIM_SPEEDS = ['1x', '10x', 'max'] as const;
export type SimSpeed = (typeof SIM_SPEEDS)[number];
