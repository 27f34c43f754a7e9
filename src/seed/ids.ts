/** Deterministic identifiers; the same ids everywhere, dry-run included. */
import { blake2b } from "@noble/hashes/blake2.js";
import { createHash, randomBytes } from "node:crypto";

/** Compact JSON with sorted keys and non-ASCII kept, like Python's json.dumps(sort_keys, separators). */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(",")}}`;
}

export interface AcKeyInput {
  description: string;
  expected_artifacts: readonly string[];
  output_assertion: string | null;
  verify_command: string | null;
}

export function acSemanticKey(ac: AcKeyInput): string {
  const body = canonicalJson({
    description: ac.description,
    expected_artifacts: [...ac.expected_artifacts],
    output_assertion: ac.output_assertion,
    verify_command: ac.verify_command,
  });
  return `ac_${createHash("sha256").update(body, "utf8").digest("hex").slice(0, 16)}`;
}

const B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
export function base32(bytes: Uint8Array): string {
  let bits = 0;
  let acc = 0;
  let out = "";
  for (const b of bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += B32[(acc >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += B32[(acc << (5 - bits)) & 31];
  return out;
}

/**
 * node_ + base32(BLAKE2b-64("<execution_id>:<0-based dotted path>")). BLAKE2b mixes the digest
 * length into its parameter block, so an 8-byte BLAKE2b is not a truncated blake2b256; Bun's
 * CryptoHasher only offers the 32- and 64-byte forms, hence @noble/hashes (ids must not change).
 */
export function executionNodeId(executionId: string, path: readonly number[]): string {
  const digest = blake2b(new TextEncoder().encode(`${executionId}:${path.join(".")}`), { dkLen: 8 });
  return `node_${base32(digest)}`;
}

export const displayPath = (path: readonly number[]) => path.map((i) => i + 1).join(".");

const hex = (n: number) =>
  randomBytes(Math.ceil(n / 2))
    .toString("hex")
    .slice(0, n);
export const newId = {
  seed: () => `seed_${hex(12)}`,
  session: () => `orch_${hex(12)}`,
  execution: () => `exec_${hex(12)}`,
  auto: () => `auto_${hex(12)}`,
  job: () => `job_${hex(12)}`,
};
