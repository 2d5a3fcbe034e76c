// Help text of every mnpen command.

export const MAIN_HELP = `mnpen: controller of the mnpen smart microneedling pen

Usage:
  mnpen session --sim --plan FILE [options]      run a session on the simulated pen (virtual time)
  mnpen session --port PATH --plan FILE [opts]   run a session on a pen at a serial port (USB, pty)
  mnpen history [--client ID] [--json]           list recorded sessions
  mnpen sim-pen --port PATH [options]            the simulated pen on a serial port (desktop simulator)
  mnpen <command> --help                         help for one command

Exit codes: 0 completed, 1 the session ended in a fault or was refused, 2 bad input.
`;

export const SESSION_HELP = `mnpen session: run one treatment session

Usage:
  mnpen session --sim --plan FILE [options]
  mnpen session --port PATH --plan FILE [options]

Pen:
  --sim                  the simulated pen, in virtual time, with a scripted operator
  --port PATH            a real pen (or a pty) at PATH
  --seed N               simulation seed (default 1)
  --cartridge ID         id of the cartridge inserted in the simulated pen (default: a fresh one per session)
  --at ISO-8601          wall-clock time of a simulated session (default: now)
  --battery PERCENT      battery charge of the simulated pen (default 80)

Plan:
  --plan FILE            treatment plan (JSON): mode, areas with depthMm, passes (<= 6), strokeHz
  --mode home|pro        overrides the plan's mode
  --attempt-passes N     the scripted operator tries N passes per area (to show the limit)
  --unlock CREDENTIAL    unlocks professional mode (checked against MNPEN_PRO_CREDENTIAL)

Records:
  --db PATH              database file (default: $MNPEN_DATA_DIR/mnpen.db, MNPEN_DATA_DIR default ./data)
  --client ID            pseudonymous client id (default with --sim: the demo client)
  --screening FILE       screening answers (JSON)
  --patch-test           a patch-test session: one small area, low depth, one pass

Output:
  --json                 one JSON object instead of the readable summary

Exit codes: 0 completed, 1 fault or refusal, 2 bad input (nothing is sent to the pen).
`;

export const HISTORY_HELP = `mnpen history: list recorded sessions

Usage:
  mnpen history [--client ID] [--db PATH] [--json]

  --client ID            only this client's sessions
  --db PATH              database file (default: $MNPEN_DATA_DIR/mnpen.db)
  --json                 JSON array instead of a table
`;

export const SIM_PEN_HELP = `mnpen sim-pen: run the simulated pen, in real time, on a serial port

Usage:
  mnpen sim-pen --port PATH [--sku home|pro] [--seed N] [--cartridge ID] [--operator AREAS] [--attempt-passes N]

  --port PATH            the pen's end of a pty pair, e.g. made with
                         socat pty,raw,echo=0,link=/tmp/pen pty,raw,echo=0,link=/tmp/host
                         then: mnpen session --port /tmp/host --plan FILE --client ID --screening FILE
  --sku home|pro         pen model (default home: 250 um absolute maximum)
  --seed N               simulation seed (default 1)
  --cartridge ID         inserted cartridge id (default: derived from the seed)
  --operator AREAS       comma-separated areas a scripted hand works while the drive runs
  --attempt-passes N     passes the scripted hand tries per area (default 6)

Runs until interrupted (Ctrl-C).
`;

/** Help text for a topic; the main help for an unknown one. */
export function helpFor(topic: string | undefined): string {
  if (topic === 'sim-pen') return SIM_PEN_HELP;
  if (topic === 'session') return SESSION_HELP;
  if (topic === 'history') return HISTORY_HELP;
  return MAIN_HELP;
}
