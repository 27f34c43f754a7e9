/**
 * `ouroboros upgrade --check [--json]` against a loopback release server: newer, same, unreachable,
 * malformed release.json; and `upgrade` without --check refuses.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../lib/cli.ts";
import { serveDir } from "../lib/release.ts";

const T = 60_000;
let current = "";
const servers: { stop: () => void }[] = [];
afterAll(() => {
  for (const s of servers) s.stop();
});

beforeAll(async () => {
  current = (await runCli(["--version"])).stdout.split(" ")[1]!;
}, T);

function releaseServer(body: string | number) {
  const dir = mkdtempSync(join(tmpdir(), "ouro-rel-"));
  if (typeof body === "string") writeFileSync(join(dir, "release.json"), body);
  const s = serveDir(dir, typeof body === "number" ? { "/release.json": body } : {});
  servers.push(s);
  return s.url;
}
const check = (url: string, json = false) =>
  runCli(["upgrade", "--check", ...(json ? ["--json"] : [])], { env: { OUROBOROS_DOWNLOAD_URL: url } });

describe("upgrade --check", () => {
  test(
    "a newer release: says so, with the install command for the same URL",
    async () => {
      const url = releaseServer(JSON.stringify({ version: "99.0.0", commit: "abc" }));
      const r = await check(url);
      expect(r.code).toBe(0);
      expect(r.stdout.trim()).toBe(
        `ouroboros 99.0.0 is available (installed: ${current}); upgrade with: curl -fsSL ${url}/install.sh | sh`,
      );
      const j = await check(`${url}/`, true);
      expect(j.code).toBe(0);
      expect(JSON.parse(j.stdout)).toMatchObject({
        schema: "ouroboros/v1/upgrade",
        url,
        reachable: true,
        update_available: true,
        latest: { version: "99.0.0", commit: "abc" },
        current: { version: current },
      });
    },
    T,
  );

  test(
    "the same release: up to date",
    async () => {
      const url = releaseServer(JSON.stringify({ version: current }));
      const r = await check(url);
      expect(r.code).toBe(0);
      expect(r.stdout.trim()).toBe(`ouroboros ${current} is up to date (latest release: ${current})`);
      expect(JSON.parse((await check(url, true)).stdout)).toMatchObject({
        update_available: false,
        reachable: true,
        install: null,
      });
    },
    T,
  );

  test(
    "offline or no release.json: says it cannot check and exits 0",
    async () => {
      for (const url of ["http://127.0.0.1:1", releaseServer(404)]) {
        const r = await check(url);
        expect(r.code).toBe(0);
        expect(r.stdout).toStartWith("cannot check for updates, the release server is unreachable (");
        expect(r.stdout).toContain(`${url}/release.json`);
        const j = await check(url, true);
        expect(j.code).toBe(0);
        expect(JSON.parse(j.stdout)).toMatchObject({ reachable: false, update_available: null, latest: null });
      }
    },
    T,
  );

  test(
    "a malformed release.json is invalid data naming the field",
    async () => {
      const url = releaseServer(JSON.stringify({ version: "banana" }));
      const r = await check(url);
      expect(r.code).toBe(65);
      expect(r.stderr).toContain(`${url}/release.json: version:`);
      expect((await check(releaseServer("{not json"))).code).toBe(65);
    },
    T,
  );

  test(
    "without --check it refuses (installing is install.sh's or npm's job)",
    async () => {
      const r = await runCli(["upgrade"]);
      expect(r.code).toBe(64);
      expect(r.stderr).toContain("ouroboros upgrade --check");
    },
    T,
  );
});
