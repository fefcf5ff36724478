/**
 * Time as a port. The security core never reads the wall clock itself; it is
 * handed a `Clock` so decisions are deterministic under test.
 *
 * @module
 */

/** Milliseconds since the Unix epoch. */
export interface Clock {
  now(): number;
}

/** A clock that tests move by hand. */
export class FakeClock implements Clock {
  #t: number;
  constructor(start = Date.UTC(2026, 0, 1)) {
    this.#t = start;
  }
  now(): number {
    return this.#t;
  }
  /** Move forward by `ms` milliseconds. */
  advance(ms: number): void {
    this.#t += ms;
  }
  set(ms: number): void {
    this.#t = ms;
  }
}
