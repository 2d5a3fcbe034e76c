// Every `mnpen` command, in the order `mnpen --help` lists them: add a command here and in its own file.
import type { CliCommand } from './command.js';
import { dbCommand } from './db-command.js';
import { historyCommand } from './history-command.js';
import { sessionCommand } from './session-command.js';
import { simPenCommand } from './sim-pen-command.js';

export const COMMANDS: readonly CliCommand[] = [sessionCommand, historyCommand, simPenCommand, dbCommand];
