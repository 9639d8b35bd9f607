// The exit codes every command uses (design.md): 0 success, 1 runtime failure, 2 usage or configuration.
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
