/**
 * The daemon: JSON-RPC 2.0 over a WebSocket on 127.0.0.1, serving the agent
 * runtime's sessions, turns and approvals to authenticated local clients.
 *
 * - {@link DaemonCore}: connections, handshake and dispatch, without sockets.
 * - {@link serveDaemon}: the hono/`Deno.serve` shell with the upgrade gate.
 * - {@link runDaemon}: the whole process (`astrid daemon run`).
 * - {@link DaemonClient} / {@link connectToDaemon}: the client side.
 *
 * @module
 */

export {
  MAX_MESSAGE_CHARS,
  PROTOCOL_VERSION,
  RPC_ERRORS,
  RpcError,
  type RpcErrorCode,
} from "./protocol.ts";
export {
  checkUpgrade,
  RPC_PATH,
  type UpgradeRequest,
  type UpgradeVerdict,
} from "./check_upgrade.ts";
export {
  type Credential,
  credentialOf,
  LOCAL_PRINCIPAL,
  newToken,
  principalOf,
  TOKEN_BYTES,
} from "./credentials.ts";
export { type BucketLimits, DEFAULT_BUCKET_LIMITS, FailureLimiter } from "./token_bucket.ts";
export {
  type AnswerOutcome,
  type ApprovalResolver,
  type LiveApproval,
  LiveApprovals,
} from "./live_approvals.ts";
export { APPROVAL_NOTIFICATIONS, ApprovalDesk } from "./approval_desk.ts";
export { DaemonApprovalChannel } from "./daemon_approval_channel.ts";
export { type Attachee, type LiveSession, type RunningTurn, SessionHub } from "./session_hub.ts";
export { daemonFrontend, TURN_EVENT } from "./daemon_frontend.ts";
export {
  CLOSE_CODES,
  DAEMON_STOPPING,
  DaemonConnection,
  DaemonCore,
  type DaemonCoreOptions,
  type DaemonLog,
  type Peer,
} from "./daemon_core.ts";
export type { Caller, DaemonStatus, Method, MethodEnv, SessionHost } from "./method_env.ts";
export { DAEMON_METHODS } from "./methods/daemon_methods.ts";
export { SESSION_ENDED } from "./methods/session_methods.ts";
export { type SessionView } from "./methods/session_view.ts";
export {
  DAEMON_AUDIT_SESSION,
  type DaemonServer,
  serveDaemon,
  type ServeDaemonOptions,
} from "./serve_daemon.ts";
export {
  claimStateFile,
  DAEMON_FILES,
  daemonAlive,
  daemonPaths,
  type DaemonStateFile,
  pidAlive,
  readStateFile,
  readTokenFile,
} from "./daemon_files.ts";
export { jsonLog } from "./json_log.ts";
export { FIRST_CLIENT_WAIT_MS, runDaemon, type RunDaemonOptions } from "./run_daemon.ts";
export {
  connectToDaemon,
  DaemonClient,
  type DaemonClientOptions,
  type DaemonLocation,
  type HelloResult,
  locateDaemon,
} from "./daemon_client.ts";
