// Memory of the last answered commands, so a duplicate gets its stored answer and nothing else (S15).

/** An answer as sent: ACK (note, appliedValue) or NAK (reason, expectedSeq). */
export type CommandAnswer =
  | { readonly ack: true; readonly note: number; readonly appliedValue: number }
  | { readonly ack: false; readonly reason: number; readonly expectedSeq: number };

/** Ring of the last `size` answered sequence numbers with their answers; the oldest is forgotten first. */
export class AnswerMemory {
  private readonly seqs: Int32Array;
  private readonly answers: (CommandAnswer | null)[];
  private next = 0;

  constructor(readonly size: number) {
    this.seqs = new Int32Array(size).fill(-1);
    this.answers = new Array<CommandAnswer | null>(size).fill(null);
  }

  /** Stores the answer given to `seq`, evicting the oldest entry. */
  remember(seq: number, answer: CommandAnswer): void {
    this.seqs[this.next] = seq;
    this.answers[this.next] = answer;
    this.next = (this.next + 1) % this.size;
  }

  /** The stored answer for `seq`, or null when it is not among the remembered ones. */
  find(seq: number): CommandAnswer | null {
    for (let i = 0; i < this.size; i++) if (this.seqs[i] === seq) return this.answers[i] ?? null;
    return null;
  }

  /** Forgets everything (a new link session). */
  clear(): void {
    this.seqs.fill(-1);
    this.answers.fill(null);
    this.next = 0;
  }
}
