/**
 * The gate every gated host function passes after the capability and
 * confinement checks: the runtime binds it to the SecurityInterceptor
 * (policy, tokens, budget, approval, audit). A denial is a value.
 *
 * @module
 */

import type { Action } from "../security/mod.ts";

/** The answer of {@link CapsuleGate.authorize}. */
export type GateDecision = { readonly allowed: true } | {
  readonly allowed: false;
  readonly reason: string;
};

/** Decides whether a capsule may perform one `capsule_file` or `capsule_http` action. */
export interface CapsuleGate {
  authorize(action: Action): Promise<GateDecision>;
}

/** A gate for tests: records every action and answers with `decide`. */
export class RecordingGate implements CapsuleGate {
  readonly calls: Action[] = [];

  constructor(
    private readonly decide: (action: Action) => GateDecision = () => ({ allowed: true }),
  ) {}

  authorize(action: Action): Promise<GateDecision> {
    this.calls.push(action);
    return Promise.resolve(this.decide(action));
  }
}
