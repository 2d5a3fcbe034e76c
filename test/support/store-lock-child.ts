// Child process of the busy tests: holds the record file's write lock from a plain connection for a while, as another writer would.
import Database from 'better-sqlite3';

const [dbPath, holdArg] = process.argv.slice(2);
if (dbPath === undefined || holdArg === undefined) throw new Error('usage: store-lock-child <db path> <hold ms>');
const db = new Database(dbPath);
db.exec('BEGIN IMMEDIATE');
process.stdout.write(`${JSON.stringify({ op: 'ready', pid: process.pid })}\n`);
setTimeout(() => {
  db.exec('COMMIT');
  db.close();
  process.stdout.write(`${JSON.stringify({ op: 'released' })}\n`);
  process.exit(0);
}, Number(holdArg));
