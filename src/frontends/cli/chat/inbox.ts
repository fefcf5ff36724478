/**
 * An unbounded async queue with one consumer: producers (the key reader, the
 * backend's event listener, a timer) push, the REPL takes items one at a
 * time in arrival order.
 *
 * @module
 */

/** A FIFO the consumer awaits. */
export class Inbox<T> {
  readonly #items: T[] = [];
  #waiter: ((item: T) => void) | undefined;
  #idle: (() => void)[] = [];

  /** Add an item. */
  push(item: T): void {
    const w = this.#waiter;
    if (w !== undefined) {
      this.#waiter = undefined;
      w(item);
    } else this.#items.push(item);
  }

  /** The next item, waiting for one if the queue is empty. */
  next(): Promise<T> {
    if (this.#items.length > 0) return Promise.resolve(this.#items.shift()!);
    const idle = this.#idle;
    this.#idle = [];
    for (const f of idle) f();
    return new Promise((resolve) => (this.#waiter = resolve));
  }

  /** Resolves the next time the consumer waits on an empty queue (tests). */
  idle(): Promise<void> {
    return new Promise((resolve) => this.#idle.push(resolve));
  }
}
