// Every `mnpen` command, in the order `mnpen --help` lists them: add a command here and in its own file.
import { benchCommand } from './bench-command.js';
import type { CliCommand } from './command.js';
import { credentialCommand } from './credential-command.js';
import { desktopCommand } from './desktop-command.js';
import { dbCommand } from './db-command.js';
import { historyCommand } from './history-command.js';
import { keysCommand } from './keys-command.js';
import { profileCommand } from './profile-command.js';
import { revocationCommand } from './revocation-command.js';
import { sessionCommand } from './session-command.js';
import { simPenCommand } from './sim-pen-command.js';

export const COMMANDS: readonly CliCommand[] = [
  sessionCommand,
  historyCommand,
  simPenCommand,
  keysCommand,
  credentialCommand,
  profileCommand,
  revocationCommand,
  benchCommand,
  desktopCommand,
  dbCommand,
];
