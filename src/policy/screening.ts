// Client screening: one stable question per contraindication, the answers-file schema, rule reason codes.
import { z } from 'zod';

/**
 * Machine-readable reasons for refusing a session or a patch-test plan (S8, S19). Stable strings,
 * never renamed: they are stored in the records and shown to the operator.
 */
export const RuleReason = {
  CONTRAINDICATION_ACTIVE_ACNE: 'CONTRAINDICATION_ACTIVE_ACNE',
  CONTRAINDICATION_SKIN_FLARE: 'CONTRAINDICATION_SKIN_FLARE',
  CONTRAINDICATION_OPEN_WOUND_OR_HERPES: 'CONTRAINDICATION_OPEN_WOUND_OR_HERPES',
  CONTRAINDICATION_SKIN_INFECTION_OR_WARTS: 'CONTRAINDICATION_SKIN_INFECTION_OR_WARTS',
  CONTRAINDICATION_KELOID_HISTORY: 'CONTRAINDICATION_KELOID_HISTORY',
  CONTRAINDICATION_ISOTRETINOIN: 'CONTRAINDICATION_ISOTRETINOIN',
  CONTRAINDICATION_PREGNANCY_OR_BREASTFEEDING: 'CONTRAINDICATION_PREGNANCY_OR_BREASTFEEDING',
  CONTRAINDICATION_BLEEDING_RISK: 'CONTRAINDICATION_BLEEDING_RISK',
  CONTRAINDICATION_IMMUNOSUPPRESSION: 'CONTRAINDICATION_IMMUNOSUPPRESSION',
  CONTRAINDICATION_RECENT_BOTULINUM_TOXIN: 'CONTRAINDICATION_RECENT_BOTULINUM_TOXIN',
  CONTRAINDICATION_SKIN_CANCER: 'CONTRAINDICATION_SKIN_CANCER',
  CONTRAINDICATION_ALLERGY: 'CONTRAINDICATION_ALLERGY',
  CLIENT_TOO_YOUNG: 'CLIENT_TOO_YOUNG',
  SCREENING_MISSING: 'SCREENING_MISSING', // no screening answers on record for the client
  SCREENING_INVALID: 'SCREENING_INVALID',
  SCREENING_EXPIRED: 'SCREENING_EXPIRED',
  INTERVAL_TOO_SHORT: 'INTERVAL_TOO_SHORT',
  PATCH_TEST_MISSING: 'PATCH_TEST_MISSING',
  PATCH_TEST_TOO_RECENT: 'PATCH_TEST_TOO_RECENT',
  PATCH_TEST_AREA_NOT_ALLOWED: 'PATCH_TEST_AREA_NOT_ALLOWED',
  PATCH_TEST_TOO_MANY_AREAS: 'PATCH_TEST_TOO_MANY_AREAS',
  PATCH_TEST_DEPTH_TOO_HIGH: 'PATCH_TEST_DEPTH_TOO_HIGH',
  PATCH_TEST_TOO_MANY_PASSES: 'PATCH_TEST_TOO_MANY_PASSES',
  CARTRIDGE_MISSING: 'CARTRIDGE_MISSING',
  CARTRIDGE_REUSED: 'CARTRIDGE_REUSED',
  BATTERY_TOO_LOW: 'BATTERY_TOO_LOW',
  SESSION_INPUT_INVALID: 'SESSION_INPUT_INVALID',
} as const;
export type RuleReasonCode = (typeof RuleReason)[keyof typeof RuleReason];

export interface ScreeningQuestion {
  /** Stable id: the key in the answers file. */
  readonly id: string;
  /** Reason given when the answer is yes. */
  readonly reason: RuleReasonCode;
  /** Asked as written; "yes" means do not treat. */
  readonly text: string;
}

/**
 * One question per contraindication in domain.md. Age ("younger than 22") is not a question: it is
 * decided from the birth year (rule CLIENT_TOO_YOUNG), so the two can never disagree.
 */
export const SCREENING_QUESTIONS = [
  { id: 'activeAcne', reason: RuleReason.CONTRAINDICATION_ACTIVE_ACNE, text: 'Do you have active acne?' },
  {
    id: 'skinFlareInArea',
    reason: RuleReason.CONTRAINDICATION_SKIN_FLARE,
    text: 'Is there an eczema, psoriasis or rosacea flare in an area to be treated?',
  },
  {
    id: 'openWoundsOrHerpes',
    reason: RuleReason.CONTRAINDICATION_OPEN_WOUND_OR_HERPES,
    text: 'Do you have open wounds, cold sores or a herpes outbreak?',
  },
  {
    id: 'skinInfectionOrWartsInArea',
    reason: RuleReason.CONTRAINDICATION_SKIN_INFECTION_OR_WARTS,
    text: 'Is there an active skin infection or warts in an area to be treated?',
  },
  { id: 'keloidHistory', reason: RuleReason.CONTRAINDICATION_KELOID_HISTORY, text: 'Have you ever had keloid scars?' },
  {
    id: 'isotretinoinLast6Months',
    reason: RuleReason.CONTRAINDICATION_ISOTRETINOIN,
    text: 'Have you taken isotretinoin in the last 6 months?',
  },
  {
    id: 'pregnantOrBreastfeeding',
    reason: RuleReason.CONTRAINDICATION_PREGNANCY_OR_BREASTFEEDING,
    text: 'Are you pregnant or breastfeeding?',
  },
  {
    id: 'bloodThinnersOrBleedingDisorder',
    reason: RuleReason.CONTRAINDICATION_BLEEDING_RISK,
    text: 'Do you take blood thinners, or have a bleeding or clotting disorder?',
  },
  {
    id: 'chemotherapyOrImmunosuppression',
    reason: RuleReason.CONTRAINDICATION_IMMUNOSUPPRESSION,
    text: 'Are you having chemotherapy, or are you immunosuppressed?',
  },
  {
    id: 'recentBotulinumToxinInArea',
    reason: RuleReason.CONTRAINDICATION_RECENT_BOTULINUM_TOXIN,
    text: 'Have you recently had botulinum toxin injections in an area to be treated?',
  },
  {
    id: 'skinCancerInArea',
    reason: RuleReason.CONTRAINDICATION_SKIN_CANCER,
    text: 'Is there skin cancer in an area to be treated?',
  },
  {
    id: 'allergySteelOrNumbing',
    reason: RuleReason.CONTRAINDICATION_ALLERGY,
    text: 'Are you allergic to stainless steel or to the numbing product?',
  },
] as const satisfies readonly ScreeningQuestion[];

export type QuestionId = (typeof SCREENING_QUESTIONS)[number]['id'];
export const QUESTION_IDS: readonly QuestionId[] = SCREENING_QUESTIONS.map((question) => question.id);

const isoDateTime = z.iso.datetime({ offset: true });

/** The answers file: `{ answeredAt, birthYear, answers: { <questionId>: boolean } }`, every question answered. */
export const screeningSchema = z.strictObject({
  answeredAt: isoDateTime,
  birthYear: z.number().int().min(1900).max(9999),
  answers: z.strictObject(
    Object.fromEntries(QUESTION_IDS.map((id) => [id, z.boolean()])) as Record<QuestionId, z.ZodBoolean>,
  ),
});

export type Screening = z.infer<typeof screeningSchema>;

export interface ScreeningError {
  /** Path in the file, e.g. `answers.activeAcne` or `birthYear`. */
  readonly field: string;
  /** The question concerned, when the error is about an answer. */
  readonly questionId?: QuestionId;
  readonly message: string;
}

export type ScreeningResult = { ok: true; screening: Screening } | { ok: false; errors: ScreeningError[] };

function questionText(id: string): string | undefined {
  return SCREENING_QUESTIONS.find((question) => question.id === id)?.text;
}

/**
 * Validates a screening answers document (parsed JSON). A missing or non-boolean answer is an
 * error naming the question; an unknown question id, a malformed `answeredAt` (ISO-8601 with
 * offset) or birth year is an error naming the field. Never throws.
 */
export function parseScreening(json: unknown): ScreeningResult {
  const parsed = screeningSchema.safeParse(json);
  if (parsed.success) return { ok: true, screening: parsed.data };
  const errors: ScreeningError[] = [];
  for (const issue of parsed.error.issues) {
    const path = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) errors.push({ field: [...path, key].join('.'), message: 'unknown question id' });
      continue;
    }
    const field = path.length === 0 ? '(root)' : path.join('.');
    if (field === 'answers') {
      errors.push({ field, message: `answers must be an object answering every question: ${QUESTION_IDS.join(', ')}` });
      continue;
    }
    const answerId = path[0] === 'answers' ? path[1] : undefined;
    const text = answerId === undefined ? undefined : questionText(answerId);
    if (answerId !== undefined && text !== undefined) {
      errors.push({
        field,
        questionId: answerId as QuestionId,
        message: `question ${answerId} ("${text}") needs a yes/no answer (true or false)`,
      });
    } else {
      errors.push({ field, message: issue.message });
    }
  }
  return { ok: false, errors };
}

/**
 * Validates an answers file as handed to a session: one without `answeredAt` was answered at
 * `nowMs` (the questionnaire filled in at the session, so an example file never goes stale);
 * otherwise as `parseScreening`.
 */
export function parseScreeningFile(json: unknown, nowMs: number): ScreeningResult {
  const undated = typeof json === 'object' && json !== null && !Array.isArray(json) && !('answeredAt' in json);
  return parseScreening(undated ? { answeredAt: new Date(nowMs).toISOString(), ...json } : json);
}

/** Questions answered yes, in question order; each one refuses the session with its reason. */
export function declaredContraindications(screening: Screening): readonly ScreeningQuestion[] {
  return SCREENING_QUESTIONS.filter((question) => screening.answers[question.id]);
}

/** Answers file for a client with nothing to declare (every answer false), answered at `answeredAtMs`. */
export function clearScreening(birthYear: number, answeredAtMs: number): Screening {
  const answers = Object.fromEntries(QUESTION_IDS.map((id) => [id, false])) as Record<QuestionId, boolean>;
  return { answeredAt: new Date(answeredAtMs).toISOString(), birthYear, answers };
}

/** The demo client used by `npm start`: clear screening now, patch test on record three days ago. */
export interface DemoClient {
  readonly clientId: string;
  readonly birthYear: number;
  readonly screening: Screening;
  readonly patchTestDoneAtMs: number;
}

/** Demo client for `nowMs` (ms since epoch): id `demo-client`, born 1990, passes every screening rule. */
export function demoClient(nowMs: number): DemoClient {
  const birthYear = 1990;
  return {
    clientId: 'demo-client',
    birthYear,
    screening: clearScreening(birthYear, nowMs),
    patchTestDoneAtMs: nowMs - 3 * 24 * 3600 * 1000,
  };
}
