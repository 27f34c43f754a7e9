/**
 * Proof that the suite's default per-test timeout applies. Bun 1.4.5 ignores bunfig.toml's
 * `[test] timeout`, so every test without its own timeout would get Bun's 5 s default; the
 * `npm test` script passes `--timeout` instead. This test has no timeout of its own and needs
 * 6 s: it passes only when the suite-wide timeout is in force (it fails under a bare
 * `bun test` without `--timeout`, which is the point).
 */
import { expect, test } from "bun:test";

test("a test without its own timeout may take 6 s (the suite timeout applies)", async () => {
  const t = performance.now();
  await Bun.sleep(6000);
  expect(performance.now() - t).toBeGreaterThanOrEqual(5990);
});
