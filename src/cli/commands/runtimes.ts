/** `ouroboros runtimes [--json]`: every agent CLI — installed?, version, auth, capabilities. */
import { defineCommand } from "citty";
import { loadConfig } from "../../config/load.ts";
import { EXIT, unwrap } from "../../errors.ts";
import { capabilitySummary, inspectRuntimes } from "../../runtime/inspect.ts";
import { exitCode, out, outJson, table } from "../output.ts";

export default defineCommand({
  meta: { name: "runtimes", description: "Agent CLIs: installed?, version, auth, capabilities" },
  args: {
    json: { type: "boolean", description: "print JSON" },
  },
  run({ args }) {
    const loaded = unwrap(loadConfig());
    const reports = unwrap(inspectRuntimes(process.env, loaded.config));
    if (args.json) {
      outJson("runtimes", { runtimes: reports });
      return exitCode(EXIT.ok);
    }
    out(
      table(
        ["runtime", "installed", "version", "auth", "credentials seen", "capabilities"],
        reports.map((r) => [
          r.name,
          r.path ? `${r.path} (${r.path_source})` : "not found",
          r.version ?? "-",
          r.auth_method,
          r.credentials_visible.length ? r.credentials_visible.join(", ") : "none",
          capabilitySummary(r.capabilities),
        ]),
        { drop: ["capabilities", "credentials seen", "auth"], whole: ["runtime"] },
      ),
    );
    const missing = reports.filter((r) => !r.found);
    if (missing.length) {
      out("");
      for (const r of missing) out(`install ${r.name}: ${r.install_hint}`);
    }
    return exitCode(EXIT.ok);
  },
});
