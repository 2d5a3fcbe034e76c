// The README's commands name files that exist, and its example screening and plans work today and next year (issue 10).
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../support/cli.js';
import { join } from 'node:path';

const README = readFileSync('README.md', 'utf8');
const DAY_MS = 24 * 3600 * 1000;

describe('README examples', () => {
  it('every examples/, docs/ and bench/ file the README names exists', () => {
    const named = [...README.matchAll(/\b((?:examples|docs|bench)\/[\w./-]+\.(?:json|md|ya?ml|png|xsd))\b/g)].map(
      (match) => match[1]!,
    );
    expect(named.length).toBeGreaterThan(5);
    expect(named.filter((path) => !existsSync(path))).toEqual([]);
  });

  it.each([
    ['today', Date.now()],
    ['next year', Date.now() + 365 * DAY_MS],
  ])(
    'S19: %s, the patch test then the full session with examples/screening-clear.json complete',
    async (_when, atMs) => {
      const db = join(tempDir(), 'mnpen.db');
      const common = [
        '--sim',
        '--json',
        '--db',
        db,
        '--client',
        'C123',
        '--screening',
        'examples/screening-clear.json',
      ];
      const patch = await runCli([
        'session',
        ...common,
        '--patch-test',
        '--plan',
        'examples/patch-test-jawline.json',
        '--at',
        new Date(atMs).toISOString(),
      ]);
      expect(patch.code, patch.stdout).toBe(0);
      const full = await runCli([
        'session',
        ...common,
        '--plan',
        'examples/home-full-face.json',
        '--at',
        new Date(atMs + 2 * DAY_MS).toISOString(),
      ]);
      expect(full.code, full.stdout).toBe(0);
      expect(full.json<{ outcome: string }>().outcome).toBe('completed');
    },
  );
});
