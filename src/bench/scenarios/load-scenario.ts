// Reads a scenario file (YAML or JSON), validates it and names every bad field; finds bundled scenarios by id.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { mnpenPackage } from '../package-root.js';
import { documentFiles, scenarioSchema, type Scenario } from './scenario-schema.js';

/** A scenario file that cannot be read or is invalid; the message names the file and each bad field. */
export class ScenarioError extends Error {
  override readonly name = 'ScenarioError';
}

export interface LoadedScenario {
  readonly scenario: Scenario;
  readonly file: string;
  /** sha256 of the file's bytes, hex. */
  readonly sha256: string;
}

/** `phases[2].steps[0].do` for a zod issue path. */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const key of path) text += typeof key === 'number' ? `[${key}]` : `${text === '' ? '' : '.'}${String(key)}`;
  return text === '' ? '(document)' : text;
}

/** Validates parsed contents. Throws ScenarioError listing every problem as `LABEL: field: message`. */
export function parseScenario(contents: unknown, label: string): Scenario {
  const result = scenarioSchema.safeParse(contents);
  if (result.success) return result.data;
  const lines = (result.error as z.ZodError).issues.map(
    (issue) => `${label}: ${formatIssuePath(issue.path)}: ${issue.message}`,
  );
  throw new ScenarioError(`invalid scenario:\n  ${lines.join('\n  ')}`);
}

/** Reads and validates a .yaml, .yml or .json scenario file. Throws ScenarioError. */
export function loadScenarioFile(file: string): LoadedScenario {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new ScenarioError(`${file}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const text = bytes.toString('utf8');
  let contents: unknown;
  if (extname(file) === '.json') {
    try {
      contents = JSON.parse(text);
    } catch (error) {
      throw new ScenarioError(`${file}: not valid JSON (${(error as Error).message})`);
    }
  } else {
    const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
    if (document.errors.length > 0) {
      throw new ScenarioError(`${file}: not valid YAML: ${document.errors.map((error) => error.message).join('; ')}`);
    }
    contents = document.toJS({ maxAliasCount: 100 });
  }
  const scenario = parseScenario(contents, file);
  checkDocumentFiles(scenario, file);
  return { scenario, file, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/** Every signed document a session step names must be a file, relative to the scenario's folder. Throws ScenarioError. */
function checkDocumentFiles(scenario: Scenario, file: string): void {
  const lines: string[] = [];
  scenario.phases.forEach((phase, pi) =>
    phase.steps.forEach((step, si) => {
      if (step.do !== 'session') return;
      for (const { field, path } of documentFiles(step)) {
        const full = resolve(dirname(file), path);
        if (!statSync(full, { throwIfNoEntry: false })?.isFile())
          lines.push(`${file}: phases[${pi}].steps[${si}].${field}: no such file ${full}`);
      }
    }),
  );
  if (lines.length > 0) throw new ScenarioError(`invalid scenario:\n  ${lines.join('\n  ')}`);
}

/** The folder of the bundled scenario library. */
export function libraryDir(): string {
  return join(mnpenPackage().root, 'bench', 'scenarios');
}

/** Every bundled scenario file, sorted by name. */
export function libraryFiles(): string[] {
  return readdirSync(libraryDir())
    .filter((name) => /\.(ya?ml|json)$/.test(name))
    .sort()
    .map((name) => join(libraryDir(), name));
}

/**
 * A SCENARIO argument: a bundled scenario's id, or a file path. Throws ScenarioError for an unknown
 * id or an invalid file.
 */
export function resolveScenario(argument: string): LoadedScenario {
  if (/[/\\]/.test(argument) || /\.(ya?ml|json)$/.test(argument)) return loadScenarioFile(argument);
  const file = libraryFiles().find((path) => basename(path).replace(/\.(ya?ml|json)$/, '') === argument);
  if (file === undefined) throw new ScenarioError(`no bundled scenario "${argument}" (see: mnpen bench list)`);
  const loaded = loadScenarioFile(file);
  if (loaded.scenario.id !== argument)
    throw new ScenarioError(`${file}: its id is "${loaded.scenario.id}", not "${argument}"`);
  return loaded;
}
