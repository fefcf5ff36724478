/**
 * Issue 4's command table, verbatim: every line must reveal `sudo` (or a
 * `/etc` path). Shared by the analyser tests and the policy tests so both
 * check the same list.
 *
 * @module
 */

/** Lines that must reveal `sudo` among the programs they would run. */
export const ISSUE_SUDO_LINES: readonly string[] = [
  "sudo id",
  "env FOO=1 sudo id",
  "nohup sudo id",
  "timeout 5 sudo id",
  "/usr/bin/sudo id",
  "ls && sudo id",
  "ls; sudo id",
  "echo $(sudo id)",
  "echo `sudo id`",
  "{ sudo id; }",
  "cat <(sudo id)",
  "sh -c 'sudo id'",
  'bash -lc "sudo id"',
  "xargs sudo < list",
];

/** Lines that must reveal a `/etc` path. */
export const ISSUE_ETC_LINES: readonly string[] = [
  "cat /etc/shadow",
  "echo x > /etc/hosts",
  "cp a /etc/x",
];
