// The schema check at open (S16): every table, index and trigger of the file against the form the migrations create.
import Database from 'better-sqlite3';
import { MIGRATIONS } from './schema.js';

interface SchemaEntry {
  readonly type: string;
  readonly name: string;
  readonly sql: string | null;
}

/** Statistics tables ANALYZE may add: they change plans, never results, so they are not part of the form. */
const IGNORED = /^sqlite_stat\d$/;

const cache = new Map<number, ReadonlyMap<string, SchemaEntry>>();

function entriesOf(db: Database.Database): Map<string, SchemaEntry> {
  const rows = db.prepare('SELECT type, name, sql FROM main.sqlite_schema').all() as SchemaEntry[];
  return new Map(rows.filter((row) => !IGNORED.test(row.name)).map((row) => [`${row.type} ${row.name}`, row]));
}

/** The schema a store at `version` has when built by the migrations, from an in-memory database (cached). */
export function expectedSchema(version: number): ReadonlyMap<string, SchemaEntry> {
  let expected = cache.get(version);
  if (expected === undefined) {
    const db = new Database(':memory:');
    try {
      for (const migration of MIGRATIONS) if (migration.version <= version) db.exec(migration.sql);
      expected = entriesOf(db);
    } finally {
      db.close();
    }
    cache.set(version, expected);
  }
  return expected;
}

/**
 * Every difference between the file's schema and the expected form at `version`, one sentence
 * each (empty when they match): a missing, extra or altered table, index or trigger.
 */
export function schemaDifferences(db: Database.Database, version: number): string[] {
  const expected = expectedSchema(version);
  const actual = entriesOf(db);
  const differences: string[] = [];
  for (const [key, entry] of expected) {
    const found = actual.get(key);
    if (found === undefined) differences.push(`${entry.type} ${entry.name} is missing`);
    else if (found.sql !== entry.sql) differences.push(`${entry.type} ${entry.name} was altered`);
  }
  for (const [key, entry] of actual) {
    if (!expected.has(key)) differences.push(`${entry.type} ${entry.name} was added`);
  }
  return differences;
}
