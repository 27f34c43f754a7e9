/**
 * Check a Mach-O executable's embedded ad-hoc code signature without macOS: find LC_CODE_SIGNATURE,
 * read the CodeDirectory and recompute every page hash and the special-slot hash of every blob
 * (requirements, entitlements) the signature carries. Apple silicon kills binaries whose
 * signature does not match (bun build --compile signs cross-compiled darwin binaries itself, and
 * some Bun releases got that wrong), so this is the closest a Linux build gets to "it runs on a Mac".
 * Used by scripts/release.ts (re-signs with scripts/macho-resign.ts when this fails) and
 * test/release/artifacts.test.ts.
 */
import { readFileSync } from "node:fs";

const LC_CODE_SIGNATURE = 0x1d;
const CSMAGIC_EMBEDDED_SIGNATURE = 0xfade0cc0;
const CSMAGIC_CODEDIRECTORY = 0xfade0c02;
const HASH: Record<number, "sha1" | "sha256"> = { 1: "sha1", 2: "sha256" };

export type SignatureCheck = { ok: true; pages: number } | { ok: false; reason: string };

export function checkMachoSignature(file: string): SignatureCheck {
  const b = readFileSync(file);
  if (b.readUInt32LE(0) !== 0xfeedfacf) return { ok: false, reason: "not a 64-bit Mach-O" };
  const ncmds = b.readUInt32LE(16);
  let off = 32;
  let sig: { dataoff: number; datasize: number } | undefined;
  for (let i = 0; i < ncmds; i++) {
    const cmd = b.readUInt32LE(off);
    if (cmd === LC_CODE_SIGNATURE) sig = { dataoff: b.readUInt32LE(off + 8), datasize: b.readUInt32LE(off + 12) };
    off += b.readUInt32LE(off + 4);
  }
  if (!sig) return { ok: false, reason: "not signed (no LC_CODE_SIGNATURE)" };
  const sb = sig.dataoff;
  if (b.readUInt32BE(sb) !== CSMAGIC_EMBEDDED_SIGNATURE)
    return { ok: false, reason: "signature is not an embedded SuperBlob" };
  const count = b.readUInt32BE(sb + 8);
  let cd = -1;
  const blobs = new Map<number, Buffer>();
  for (let i = 0; i < count; i++) {
    const [type, boff] = [b.readUInt32BE(sb + 12 + i * 8), b.readUInt32BE(sb + 16 + i * 8)];
    if (type === 0 && b.readUInt32BE(sb + boff) === CSMAGIC_CODEDIRECTORY) cd = sb + boff;
    else blobs.set(type, b.subarray(sb + boff, sb + boff + b.readUInt32BE(sb + boff + 4)));
  }
  if (cd < 0) return { ok: false, reason: "no CodeDirectory" };
  const hashOffset = b.readUInt32BE(cd + 16);
  const nSpecialSlots = b.readUInt32BE(cd + 24);
  const nCodeSlots = b.readUInt32BE(cd + 28);
  const codeLimit = b.readUInt32BE(cd + 32);
  const [hashSize, hashType, pageShift] = [b[cd + 36]!, b[cd + 37]!, b[cd + 39]!];
  const algo = HASH[hashType];
  if (!algo) return { ok: false, reason: `unknown hash type ${hashType}` };
  if (codeLimit !== sig.dataoff)
    return {
      ok: false,
      reason: `codeLimit ${codeLimit} ≠ signature offset ${sig.dataoff}: part of the file is unsigned`,
    };
  const digest = (data: Uint8Array) => {
    const d = new Bun.CryptoHasher(algo).update(data).digest();
    return Buffer.from(d.buffer, d.byteOffset, hashSize);
  };
  // Special slot -k (k hashes before hashOffset) holds the hash of the blob of type k.
  for (const [type, blob] of blobs) {
    if (type > nSpecialSlots) continue;
    const at = cd + hashOffset - type * hashSize;
    if (!digest(blob).equals(b.subarray(at, at + hashSize)))
      return { ok: false, reason: `special slot -${type} does not match its blob` };
  }
  const page = 1 << pageShift;
  if (nCodeSlots !== Math.ceil(codeLimit / page))
    return { ok: false, reason: `${nCodeSlots} code slots for ${codeLimit} bytes` };
  for (let i = 0; i < nCodeSlots; i++) {
    const want = b.subarray(cd + hashOffset + i * hashSize, cd + hashOffset + (i + 1) * hashSize);
    if (!digest(b.subarray(i * page, Math.min((i + 1) * page, codeLimit))).equals(want))
      return { ok: false, reason: `page ${i} hash mismatch` };
  }
  return { ok: true, pages: nCodeSlots };
}
