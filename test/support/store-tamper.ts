// Test support: edits a record file the way a person with the sqlite3 shell would, triggers dropped and put back.
import Database from 'better-sqlite3';

/**
 * Runs `sql` on the file at `path` from a plain connection (foreign keys off, as in the sqlite3
 * shell) with every trigger dropped first and recreated, text for text, afterwards: the schema
 * looks untouched, only the chain can tell.
 */
export function tamper(path: string, sql: string): void {
  const db = new Database(path);
  try {
    db.pragma('foreign_keys = OFF');
    const triggers = db.prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'trigger'").all() as {
      name: string;
      sql: string;
    }[];
    db.transaction(() => {
      for (const trigger of triggers) db.exec(`DROP TRIGGER "${trigger.name}"`);
      db.exec(sql);
      for (const trigger of triggers) db.exec(trigger.sql);
    })();
  } finally {
    db.close();
  }
}

/** Runs `sql` on the file from a plain connection, triggers left as they are (they may refuse it). */
export function rawSql(path: string, sql: string): void {
  const db = new Database(path);
  try {
    db.pragma('foreign_keys = OFF');
    db.exec(sql);
  } finally {
    db.close();
  }
}
