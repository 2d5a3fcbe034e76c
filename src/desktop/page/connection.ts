// The page's websocket to its server: every report validated with the shared schema before use, requests numbered.
import { parseServerMessage, type DeskRequest, type ServerMessage } from '../shared/messages.js';

/** Wait before reconnecting after the server went away, ms. */
const RECONNECT_MS = 2000;

export type ConnectionState = 'connecting' | 'open' | 'closed';

export interface ConnectionEvents {
  readonly message: (message: ServerMessage) => void;
  readonly state: (state: ConnectionState) => void;
  /** A report that failed validation: shown, never used. */
  readonly invalid: (error: string) => void;
}

type Request = DeskRequest extends infer R ? (R extends unknown ? Omit<R, 'id'> : never) : never;

/** Connects to `/ws` with the page's token and reconnects when the server goes away. */
export class DeskConnection {
  private socket: WebSocket | null = null;
  private nextId = 1;

  constructor(
    private readonly url: string,
    private readonly events: ConnectionEvents,
  ) {}

  connect(): void {
    this.events.state('connecting');
    const socket = new WebSocket(this.url);
    this.socket = socket;
    socket.addEventListener('open', () => this.events.state('open'));
    socket.addEventListener('message', (event) => {
      if (typeof event.data !== 'string') return this.events.invalid('binary report');
      const parsed = parseServerMessage(event.data);
      if (parsed.ok) this.events.message(parsed.message);
      else this.events.invalid(parsed.error);
    });
    socket.addEventListener('close', () => {
      this.socket = null;
      this.events.state('closed');
      setTimeout(() => this.connect(), RECONNECT_MS);
    });
  }

  /** Sends a request; returns its id, or null when not connected (nothing was sent). */
  send(request: Request): number | null {
    const socket = this.socket;
    if (socket === null || socket.readyState !== WebSocket.OPEN) return null;
    const id = this.nextId++;
    socket.send(JSON.stringify({ ...request, id }));
    return id;
  }
}
