// Tests of the screening questions and the answers-file schema.
import { describe, expect, it } from 'vitest';
import {
  clearScreening,
  declaredContraindications,
  demoClient,
  parseScreening,
  parseScreeningFile,
  QUESTION_IDS,
  RuleReason,
  SCREENING_QUESTIONS,
} from './screening.js';

const NOW_MS = Date.parse('2025-06-01T10:00:00Z');

function validFile(): { answeredAt: string; birthYear: number; answers: Record<string, unknown> } {
  return {
    answeredAt: '2025-06-01T09:30:00+02:00',
    birthYear: 1990,
    answers: { ...clearScreening(1990, NOW_MS).answers },
  };
}

function errorsOf(json: unknown) {
  const result = parseScreening(json);
  if (result.ok) throw new Error('expected a refusal');
  return result.errors;
}

describe('screening questions', () => {
  it('has one stable question per contraindication in domain.md, each with its own reason', () => {
    expect(QUESTION_IDS).toEqual([
      'activeAcne',
      'skinFlareInArea',
      'openWoundsOrHerpes',
      'skinInfectionOrWartsInArea',
      'keloidHistory',
      'isotretinoinLast6Months',
      'pregnantOrBreastfeeding',
      'bloodThinnersOrBleedingDisorder',
      'chemotherapyOrImmunosuppression',
      'recentBotulinumToxinInArea',
      'skinCancerInArea',
      'allergySteelOrNumbing',
    ]);
    expect(new Set(SCREENING_QUESTIONS.map((question) => question.reason)).size).toBe(12);
    for (const question of SCREENING_QUESTIONS) expect(question.reason).toMatch(/^CONTRAINDICATION_/);
    expect(SCREENING_QUESTIONS[0]?.reason).toBe(RuleReason.CONTRAINDICATION_ACTIVE_ACNE);
  });

  it('reason codes are strings equal to their names', () => {
    for (const [name, value] of Object.entries(RuleReason)) expect(value).toBe(name);
  });
});

describe('parseScreening', () => {
  it('accepts a complete file and keeps it unchanged', () => {
    const result = parseScreening(validFile());
    expect(result).toEqual({ ok: true, screening: validFile() });
    if (result.ok) expect(parseScreening(result.screening)).toEqual(result);
  });

  it('S19: a missing answer is refused naming the question', () => {
    const file = validFile();
    delete file.answers.pregnantOrBreastfeeding;
    const errors = errorsOf(file);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      field: 'answers.pregnantOrBreastfeeding',
      questionId: 'pregnantOrBreastfeeding',
    });
    expect(errors[0]?.message).toContain('Are you pregnant or breastfeeding?');
  });

  it.each([['yes'], [1], [null], [0]])('a malformed answer (%s) is refused naming the question', (value) => {
    const file = validFile();
    file.answers.keloidHistory = value;
    expect(errorsOf(file)).toEqual([
      expect.objectContaining({ field: 'answers.keloidHistory', questionId: 'keloidHistory' }),
    ]);
  });

  it('an unknown question id is refused by name', () => {
    const file = validFile();
    file.answers.activeAcneTypo = false;
    expect(errorsOf(file)).toEqual([{ field: 'answers.activeAcneTypo', message: 'unknown question id' }]);
  });

  it('missing answers object lists every question', () => {
    const { answers: _unused, ...file } = validFile();
    const errors = errorsOf(file);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.field).toBe('answers');
    for (const id of QUESTION_IDS) expect(errors[0]?.message).toContain(id);
  });

  it.each([['2025-06-01'], ['yesterday'], ['2025-06-01T09:30:00'], [1717236000000]])(
    'a malformed answeredAt (%s) is refused',
    (answeredAt) => {
      expect(errorsOf({ ...validFile(), answeredAt }).map((error) => error.field)).toEqual(['answeredAt']);
    },
  );

  it.each([[1899], [1990.5], ['1990'], [null]])('a malformed birthYear (%s) is refused', (birthYear) => {
    expect(errorsOf({ ...validFile(), birthYear }).map((error) => error.field)).toEqual(['birthYear']);
  });

  it('a non-object document is refused at the root', () => {
    expect(errorsOf('answers')[0]?.field).toBe('(root)');
    expect(errorsOf(null)[0]?.field).toBe('(root)');
  });
});

describe('declared contraindications', () => {
  it('lists yes answers in question order', () => {
    const file = validFile();
    file.answers.skinCancerInArea = true;
    file.answers.activeAcne = true;
    const result = parseScreening(file);
    if (!result.ok) throw new Error('expected ok');
    expect(declaredContraindications(result.screening).map((question) => question.id)).toEqual([
      'activeAcne',
      'skinCancerInArea',
    ]);
  });

  it('demo client: clear screening answered now, patch test three days ago', () => {
    const demo = demoClient(NOW_MS);
    expect(demo.clientId).toBe('demo-client');
    expect(demo.screening.answeredAt).toBe('2025-06-01T10:00:00.000Z');
    expect(declaredContraindications(demo.screening)).toEqual([]);
    expect(NOW_MS - demo.patchTestDoneAtMs).toBe(72 * 3600 * 1000);
    expect(parseScreening(demo.screening).ok).toBe(true);
  });
});

describe('parseScreeningFile', () => {
  const answers = Object.fromEntries(QUESTION_IDS.map((id) => [id, false]));
  it('a file without answeredAt was answered at the given time', () => {
    const result = parseScreeningFile({ birthYear: 1988, answers }, Date.UTC(2031, 0, 2));
    expect(result).toMatchObject({ ok: true, screening: { answeredAt: '2031-01-02T00:00:00.000Z' } });
  });
  it('a dated file keeps its date; a malformed one is still refused naming answeredAt', () => {
    const dated = parseScreeningFile({ answeredAt: '2030-05-01T09:00:00Z', birthYear: 1988, answers }, 0);
    expect(dated).toMatchObject({ ok: true, screening: { answeredAt: '2030-05-01T09:00:00Z' } });
    const bad = parseScreeningFile({ answeredAt: 'yesterday', birthYear: 1988, answers }, 0);
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.errors.map((error) => error.field)).toEqual(['answeredAt']);
  });
  it('a non-object is refused as before', () => {
    expect(parseScreeningFile([], 0).ok).toBe(false);
    expect(parseScreeningFile(null, 0).ok).toBe(false);
  });
});
