/**
 * The agent CLI's environment: the one child-process policy (src/security/child-env.ts) with this
 * runtime's rules, plus the recursion guard `_OUROBOROS_DEPTH`.
 */
import { err, ok, type Result } from "../errors.ts";
import type { EnvRules } from "../adapter-kit/contract.ts";
import { runtimeError, type RuntimeError } from "../adapter-kit/messages.ts";
import { policyEnv } from "../security/child-env.ts";

export const MAX_DEPTH = 5;
export const DEPTH_VAR = "_OUROBOROS_DEPTH";

export function nextDepth(parent: Record<string, string | undefined>): number {
  const n = Number.parseInt(parent[DEPTH_VAR] ?? "", 10);
  return (Number.isFinite(n) && n > 0 ? n : 0) + 1;
}

/**
 * Filter `parent` through the runtime's rules, add `extra` (the adapter's own variables) and the
 * incremented depth. `passEnv` names further variables to forward (e.g. a custom key variable).
 */
export function childEnv(
  parent: Record<string, string | undefined>,
  rules: EnvRules,
  extra: Record<string, string> = {},
  passEnv: readonly string[] = [],
): Result<Record<string, string>, RuntimeError> {
  const depth = nextDepth(parent);
  if (depth > MAX_DEPTH) {
    return err(
      runtimeError("depth_exceeded", `Maximum Ouroboros nesting depth (${MAX_DEPTH}) exceeded`, {
        hint: `${DEPTH_VAR}=${depth - 1} in the environment: an agent is calling Ouroboros recursively`,
      }),
    );
  }
  const env = policyEnv(parent, { kind: "agent", rules, passEnv });
  Object.assign(env, extra);
  env[DEPTH_VAR] = String(depth);
  return ok(env);
}
