/**
 * Which clients are attached to which session, and the turn running in it.
 * A session is "live" while a client is attached or a turn runs; everything
 * a session emits is sent to all of its clients (serialized once).
 *
 * @module
 */

import { notificationMessage } from "./protocol.ts";

/** A connected client as the hub sees it. */
export interface Attachee {
  readonly id: string;
  readonly principal: string;
  /** Send one frame; must not throw (a closed socket drops it). */
  send(text: string): void;
}

/** A turn the daemon started, as far as the hub needs to know. */
export interface RunningTurn {
  readonly turnId: string;
  cancel(reason: string): void;
  /** Settles when the turn ended (never rejects). */
  readonly done: Promise<unknown>;
}

/** One live session. */
export interface LiveSession {
  readonly id: string;
  readonly principal: string;
  readonly clients: Set<Attachee>;
  turn: RunningTurn | undefined;
  /** Sub-agent sessions whose requests show here. */
  readonly children: Set<string>;
}

/** The daemon's live sessions. */
export class SessionHub {
  readonly #sessions = new Map<string, LiveSession>();
  /** Child session -> the live session it shows in. */
  readonly #rootOf = new Map<string, string>();
  /** Sessions whose turn is being started (not yet running). */
  readonly #starting = new Set<string>();
  /** Called when a session's last client leaves. */
  onDeserted: (s: LiveSession) => void = () => {};

  /** Attach `client` to `sessionId` (owned by `principal`, checked by the caller). */
  attach(sessionId: string, principal: string, client: Attachee): LiveSession {
    const s = this.#live(sessionId, principal);
    s.clients.add(client);
    return s;
  }

  /** Detach `client` from one session. False if it was not attached. */
  detach(sessionId: string, client: Attachee): boolean {
    const s = this.#sessions.get(sessionId);
    if (s === undefined || !s.clients.delete(client)) return false;
    if (s.clients.size === 0) this.onDeserted(s);
    this.#drop(s);
    return true;
  }

  /** Detach `client` from every session (it disconnected). */
  detachAll(client: Attachee): void {
    for (const s of [...this.#sessions.values()]) {
      if (s.clients.has(client)) this.detach(s.id, client);
    }
  }

  /** The live session, if any. */
  get(sessionId: string): LiveSession | undefined {
    return this.#sessions.get(sessionId);
  }

  /** The live session `sessionId` shows in: itself or, for a sub-agent, its root. */
  routeOf(sessionId: string): LiveSession | undefined {
    return this.#sessions.get(this.#rootOf.get(sessionId) ?? sessionId);
  }

  /** Show `child`'s requests in `parent`'s live session. */
  adopt(parent: string, child: string): void {
    const s = this.routeOf(parent);
    if (s === undefined) return;
    s.children.add(child);
    this.#rootOf.set(child, s.id);
  }

  /**
   * Claim `sessionId` for a turn about to start. False when a turn runs or
   * is starting there (one turn per session at a time).
   */
  claim(sessionId: string): boolean {
    if (this.#starting.has(sessionId) || this.#sessions.get(sessionId)?.turn !== undefined) {
      return false;
    }
    this.#starting.add(sessionId);
    return true;
  }

  /** The turn started (or failed to): drop the claim. */
  release(sessionId: string): void {
    this.#starting.delete(sessionId);
  }

  /** Record the turn running in `sessionId` (the session stays live until it ends). */
  setTurn(sessionId: string, principal: string, turn: RunningTurn): LiveSession {
    const s = this.#live(sessionId, principal);
    s.turn = turn;
    return s;
  }

  /** The turn ended. */
  clearTurn(sessionId: string, turnId: string): void {
    const s = this.#sessions.get(sessionId);
    if (s?.turn?.turnId !== turnId) return;
    s.turn = undefined;
    this.#drop(s);
  }

  /** Send a notification to every client of `sessionId`'s live session. */
  broadcast(sessionId: string, method: string, params: unknown): number {
    const s = this.routeOf(sessionId);
    if (s === undefined || s.clients.size === 0) return 0;
    const text = notificationMessage(method, params);
    for (const c of s.clients) c.send(text);
    return s.clients.size;
  }

  /** Every live session. */
  all(): LiveSession[] {
    return [...this.#sessions.values()];
  }

  #live(sessionId: string, principal: string): LiveSession {
    let s = this.#sessions.get(sessionId);
    if (s === undefined) {
      s = { id: sessionId, principal, clients: new Set(), turn: undefined, children: new Set() };
      this.#sessions.set(sessionId, s);
    } else if (s.principal !== principal) {
      throw new RangeError(`Session "${sessionId}" is live for another principal`);
    }
    return s;
  }

  #drop(s: LiveSession): void {
    if (s.clients.size > 0 || s.turn !== undefined) return;
    this.#sessions.delete(s.id);
    for (const c of s.children) this.#rootOf.delete(c);
  }
}
