// The exit codes every command uses (design.md): 0 success, 1 runtime failure, 2 usage or configuration; 3, a
// host-mode self-fence; 4 and 5, `status` on a cluster that needs a look. Every entry point (the CLI, the guard, the
// agent, bench/, qemu/lab) takes them from here.
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
/** Host mode (tests) only: a self-fence ends the process, as a reset would end the machine. */
export const EXIT_SELF_FENCED = 3;
/** `status`: the agent answered, and the cluster is degraded (a link down, the peer not STANDBY, a monitor down...). */
export const STATUS_DEGRADED = 4;
/** `status`: the agent answered, and no node is ACTIVE as far as this node can tell. */
export const STATUS_NOT_SERVING = 5;
