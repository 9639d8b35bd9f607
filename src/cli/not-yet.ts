// A command whose runtime is not in this release: say so and fail, never pretend success.
import { EXIT_FAILURE } from "./exit-codes.ts";

/** Print why `name` cannot run yet and return the runtime-failure code. */
export function notYet(name: string): number {
  console.error(`clusterguard ${name}: not available in this build`);
  return EXIT_FAILURE;
}
