// docs/hazards.md stays true: every invariant it lists has tests naming it, every test file it cites exists.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../../', import.meta.url).pathname;
const hazards = readFileSync(join(ROOT, 'docs/hazards.md'), 'utf8');

function testFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules') return [];
    if (statSync(join(ROOT, path)).isDirectory()) return testFiles(path);
    return name.endsWith('.test.ts') ? [path] : [];
  });
}

const titlesNaming = (id: string): number => {
  const pattern = new RegExp(`(it|test|describe)(\\.each\\([\\s\\S]*?\\))?\\(\\s*['\`"][^'\`"]*\\b${id}\\b`, 'g');
  return ['src', 'firmware', 'sim', 'test']
    .flatMap(testFiles)
    .reduce((count, file) => count + (readFileSync(join(ROOT, file), 'utf8').match(pattern)?.length ?? 0), 0);
};

describe('docs/hazards.md', () => {
  const listed = [...new Set(hazards.match(/\bS\d{1,2}\b/g) ?? [])];

  it('lists every invariant S1-S19', () => {
    for (let id = 1; id <= 19; id++) expect(listed).toContain(`S${id}`);
  });

  it.each(listed)('%s has at least one test titled with it', (id) => {
    expect(titlesNaming(id)).toBeGreaterThan(0);
  });

  it('every test file it cites exists', () => {
    const cited = [...hazards.matchAll(/`([\w/.-]+\.test\.ts)`/g)].map((match) => match[1]!);
    expect(cited.length).toBeGreaterThan(20);
    for (const file of cited) expect(existsSync(join(ROOT, file)), file).toBe(true);
  });
});
