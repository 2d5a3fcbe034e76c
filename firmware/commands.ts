// Command dispatch: the state x command table decides, then the handler declared by the module that owns the output acts.
import { Reason, type CommandName, type Payload } from '../src/protocol/index.js';
import { ACT, NO_EFFECT, cellFor } from './message-table.js';
import type { CommandMessage, CommandReply } from './link.js';
import type { PenStateMachine } from './pen-state.js';

/**
 * A command handler (Klipper's DECL_COMMAND): declared beside the code that drives the output it
 * commands. Returns Reason.NONE to ACK (after setting `reply.note` and `reply.appliedValue`) or
 * the reason of the NAK, having changed nothing. `receivedAtTick` is the frame's UART arrival tick.
 * Must not allocate or throw.
 */
export type CommandHandler<N extends CommandName> = (
  payload: Payload<N>,
  receivedAtTick: number,
  reply: CommandReply,
) => number;

/** The handlers a module declares, by command name. */
export type CommandHandlers<N extends CommandName> = { readonly [K in N]: CommandHandler<K> };

type AnyHandler = (payload: object, receivedAtTick: number, reply: CommandReply) => number;

/** Routes in-sequence commands: exactly one handler per command, gated by COMMAND_TABLE. */
export class CommandDispatcher {
  constructor(
    private readonly pen: PenStateMachine,
    private readonly handlers: CommandHandlers<CommandName>,
  ) {}

  /** Acts on one command as the table says for the present state; returns Reason.NONE (ACK) or the NAK reason. */
  dispatch(message: CommandMessage, receivedAtTick: number, reply: CommandReply): number {
    const cell = cellFor(message.name, this.pen.state);
    if (cell === NO_EFFECT) return Reason.NONE;
    if (cell !== ACT) return cell;
    return (this.handlers[message.name] as AnyHandler)(message.payload, receivedAtTick, reply);
  }
}
