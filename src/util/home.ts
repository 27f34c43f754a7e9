/** Where Ouroboros keeps its data. OUROBOROS_HOME relocates everything. */
import { homedir } from "node:os";
import { join } from "node:path";

export function ouroHome(env: NodeJS.ProcessEnv = process.env): string {
  const override = env.OUROBOROS_HOME?.trim();
  if (override) return override;
  return join(env.HOME?.trim() || homedir(), ".ouroboros");
}
