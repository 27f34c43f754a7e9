/**
 * `ouroboros upgrade --check [--json]`: compare this binary with the latest release at
 * OUROBOROS_DOWNLOAD_URL (the URL install.sh downloads from). Offline it says so and exits 0.
 * Installing is install.sh's job (or npm's), so the check is all this command does.
 */
import { defineCommand } from "citty";
import { EXIT, fail, unwrap } from "../../errors.ts";
import { downloadUrl, isNewer, latestRelease } from "../../release/latest.ts";
import { COMMIT, PLATFORM, VERSION } from "../../version.ts";
import { exitCode, out, outJson } from "../output.ts";

export default defineCommand({
  meta: { name: "upgrade", description: "Compare this binary with the latest release (upgrade --check)" },
  args: {
    check: { type: "boolean", description: "compare with the latest release at OUROBOROS_DOWNLOAD_URL" },
    json: { type: "boolean" },
  },
  async run({ args }) {
    if (!args.check) {
      return unwrap(
        fail("badArgs", "upgrade only checks: use `ouroboros upgrade --check`", {
          hint: "install a new version with install.sh or `npm i -g ouroboros@latest`",
        }),
      );
    }
    const url = downloadUrl();
    const latest = unwrap(await latestRelease(url));
    const current = { version: VERSION, commit: COMMIT, platform: PLATFORM };
    const install = `curl -fsSL ${url}/install.sh | sh`;
    if ("unreachable" in latest) {
      if (args.json)
        outJson("upgrade", {
          current,
          url,
          reachable: false,
          latest: null,
          update_available: null,
          error: latest.unreachable,
        });
      else
        out(
          `cannot check for updates, the release server is unreachable (${latest.unreachable}); installed: ouroboros ${VERSION}`,
        );
      return exitCode(EXIT.ok);
    }
    const newer = isNewer(latest.version, VERSION);
    if (args.json)
      outJson("upgrade", {
        current,
        url,
        reachable: true,
        latest: { version: latest.version, commit: latest.commit ?? null },
        update_available: newer,
        install: newer ? install : null,
      });
    else if (newer) out(`ouroboros ${latest.version} is available (installed: ${VERSION}); upgrade with: ${install}`);
    else out(`ouroboros ${VERSION} is up to date (latest release: ${latest.version})`);
    return exitCode(EXIT.ok);
  },
});
