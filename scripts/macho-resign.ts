/**
 * Re-sign a 64-bit Mach-O executable ad hoc, in place, without macOS — what `codesign --force --sign -`
 * does, reduced to what a Bun-compiled binary needs.
 *
 * Why: Bun 1.4.5 cross-compiles darwin-x64 from a template that carries Bun's own Developer ID
 * signature and only moves that signature to the end of the grown file (upstream oven-sh/bun#39837).
 * Its CodeDirectory still covers just the template's bytes (codeLimit < signature offset) and its page
 * hashes miss our bundle, so macOS rejects the signature. x86_64 macOS would run an unsigned binary,
 * but a broken signature is worse than none; here we write a correct ad-hoc one instead.
 *
 * The new signature (an embedded SuperBlob at the same file offset as the old one):
 *   CodeDirectory      same identifier, hash type and page size; flags = adhoc only (no hardened
 *                      runtime, no team); codeLimit = signature offset; one hash per page up to it;
 *                      special slots: kept from the original, except those of blobs written here,
 *                      which are re-hashed
 *   Requirements       empty (the original's designated requirement names Bun's Apple certificate,
 *                      which an ad-hoc signature cannot satisfy)
 *   Entitlements       the original's XML and DER entitlements blobs, unchanged
 *   CMS wrapper        empty, as codesign writes for ad-hoc
 * The signature area grows or shrinks; LC_CODE_SIGNATURE.datasize and __LINKEDIT filesize/vmsize are
 * updated before hashing, because the first page (the load commands) is hashed too.
 * scripts/macho-signature.ts verifies the result.
 */
import { readFileSync, writeFileSync } from "node:fs";

const MH_MAGIC_64 = 0xfeedfacf;
const CPU_TYPE_ARM64 = 0x0100000c;
const LC_SEGMENT_64 = 0x19;
const LC_CODE_SIGNATURE = 0x1d;
const CSMAGIC_EMBEDDED_SIGNATURE = 0xfade0cc0;
const CSMAGIC_CODEDIRECTORY = 0xfade0c02;
const CSMAGIC_REQUIREMENTS = 0xfade0c01;
const CSMAGIC_BLOBWRAPPER = 0xfade0b01;
const CSSLOT_CODEDIRECTORY = 0;
const CSSLOT_REQUIREMENTS = 2;
const CSSLOT_ENTITLEMENTS = 5;
const CSSLOT_DER_ENTITLEMENTS = 7;
const CSSLOT_SIGNATURESLOT = 0x10000;
const CS_ADHOC = 0x2;
/** CodeDirectory version 0x20400 (with exec-segment fields): a fixed 88-byte header, as ld64 writes for ad-hoc. */
const CD_VERSION = 0x20400;
const CD_HEADER = 88;
const HASH: Record<number, "sha1" | "sha256"> = { 1: "sha1", 2: "sha256" };

export type Resigned = { ok: true; pages: number; size: number } | { ok: false; reason: string };

type Blob = { type: number; bytes: Buffer };

const u32be = (...words: number[]) => {
  const b = Buffer.alloc(words.length * 4);
  for (const [i, w] of words.entries()) b.writeUInt32BE(w >>> 0, i * 4);
  return b;
};
const roundUp = (n: number, to: number) => Math.ceil(n / to) * to;

/** Re-sign `file` ad hoc in place (see the module comment). Nothing is written when it fails. */
export function resignMachoAdhoc(file: string): Resigned {
  const b = readFileSync(file);
  if (b.readUInt32LE(0) !== MH_MAGIC_64) return { ok: false, reason: "not a 64-bit little-endian Mach-O" };
  const pageAlign = b.readUInt32LE(4) === CPU_TYPE_ARM64 ? 0x4000 : 0x1000;

  // Load commands: the signature command and the __LINKEDIT segment it must lie in, at the end of the file.
  let sigCmd = -1;
  let linkedit = -1;
  let maxOtherVmEnd = 0n;
  for (let i = 0, off = 32; i < b.readUInt32LE(16); i++, off += b.readUInt32LE(off + 4)) {
    const cmd = b.readUInt32LE(off);
    if (cmd === LC_CODE_SIGNATURE) sigCmd = off;
    if (cmd !== LC_SEGMENT_64) continue;
    if (b.toString("latin1", off + 8, off + 24).replace(/\0+$/, "") === "__LINKEDIT") linkedit = off;
    else {
      const end = b.readBigUInt64LE(off + 24) + b.readBigUInt64LE(off + 32);
      if (end > maxOtherVmEnd) maxOtherVmEnd = end;
    }
  }
  if (sigCmd < 0) return { ok: false, reason: "not signed (no LC_CODE_SIGNATURE)" };
  if (linkedit < 0) return { ok: false, reason: "no __LINKEDIT segment" };
  const sigOff = b.readUInt32LE(sigCmd + 8);
  const sigSize = b.readUInt32LE(sigCmd + 12);
  const leOff = Number(b.readBigUInt64LE(linkedit + 40));
  if (sigOff + sigSize !== b.length || leOff + Number(b.readBigUInt64LE(linkedit + 48)) !== b.length) {
    return { ok: false, reason: "the signature or __LINKEDIT does not end at the end of the file" };
  }
  // __LINKEDIT may grow in memory only if no other segment is mapped after it.
  if (b.readBigUInt64LE(linkedit + 24) < maxOtherVmEnd)
    return { ok: false, reason: "__LINKEDIT is not the last segment" };
  if (sigOff % 16 !== 0) return { ok: false, reason: `signature offset ${sigOff} is not 16-byte aligned` };

  // The old signature: its CodeDirectory (identifier, hashing, special slots) and the blobs worth keeping.
  if (b.readUInt32BE(sigOff) !== CSMAGIC_EMBEDDED_SIGNATURE)
    return { ok: false, reason: "signature is not an embedded SuperBlob" };
  let cd = -1;
  const kept: Blob[] = [];
  for (let i = 0; i < b.readUInt32BE(sigOff + 8); i++) {
    const type = b.readUInt32BE(sigOff + 12 + i * 8);
    const at = sigOff + b.readUInt32BE(sigOff + 16 + i * 8);
    if (type === CSSLOT_CODEDIRECTORY && b.readUInt32BE(at) === CSMAGIC_CODEDIRECTORY) cd = at;
    if (type === CSSLOT_ENTITLEMENTS || type === CSSLOT_DER_ENTITLEMENTS)
      kept.push({ type, bytes: Buffer.from(b.subarray(at, at + b.readUInt32BE(at + 4))) });
  }
  if (cd < 0) return { ok: false, reason: "no CodeDirectory" };
  const oldHashOffset = b.readUInt32BE(cd + 16);
  const identStart = cd + b.readUInt32BE(cd + 20);
  const identifier = b.subarray(identStart, b.indexOf(0, identStart) + 1); // NUL included
  const oldSpecial = b.readUInt32BE(cd + 24);
  const [hashSize, hashType, platform, pageShift] = [b[cd + 36]!, b[cd + 37]!, b[cd + 38]!, b[cd + 39]!];
  const algo = HASH[hashType];
  if (!algo) return { ok: false, reason: `unknown hash type ${hashType}` };
  // Exec segment (__TEXT) bounds: present from CodeDirectory version 0x20400 on; zero before.
  const execSeg = b.readUInt32BE(cd + 8) >= CD_VERSION ? Buffer.from(b.subarray(cd + 64, cd + 88)) : Buffer.alloc(24);
  const hash = (data: Uint8Array) => {
    const d = new Bun.CryptoHasher(algo).update(data).digest();
    return Buffer.from(d.buffer, d.byteOffset, hashSize);
  };

  // Blobs other than the CodeDirectory; their hashes go into the special slots numbered by their type.
  const blobs: Blob[] = [
    { type: CSSLOT_REQUIREMENTS, bytes: u32be(CSMAGIC_REQUIREMENTS, 12, 0) },
    ...kept,
    { type: CSSLOT_SIGNATURESLOT, bytes: u32be(CSMAGIC_BLOBWRAPPER, 8) },
  ];
  // Slot -k sits k hashes before hashOffset: keep the old slots' values at the same distance, then re-hash ours.
  const nSpecial = Math.max(oldSpecial, ...blobs.map((x) => (x.type === CSSLOT_SIGNATURESLOT ? 0 : x.type)));
  const special = Buffer.alloc(nSpecial * hashSize);
  b.copy(special, (nSpecial - oldSpecial) * hashSize, cd + oldHashOffset - oldSpecial * hashSize, cd + oldHashOffset);
  for (const blob of blobs) {
    if (blob.type > nSpecial) continue; // e.g. the CMS wrapper: not hashed
    hash(blob.bytes).copy(special, (nSpecial - blob.type) * hashSize);
  }

  // Sizes first: the new signature's size fixes the load commands, which the page hashes then cover.
  const page = 1 << pageShift;
  const nCode = Math.ceil(sigOff / page);
  const identOffset = CD_HEADER;
  const hashOffset = identOffset + identifier.length + nSpecial * hashSize;
  const cdLength = hashOffset + nCode * hashSize;
  const index = 12 + 8 * (1 + blobs.length);
  const superLength = index + cdLength + blobs.reduce((n, x) => n + x.bytes.length, 0);
  const newSigSize = roundUp(superLength, 16);
  const out = Buffer.alloc(sigOff + newSigSize); // zero padding after the SuperBlob
  b.copy(out, 0, 0, sigOff);
  out.writeUInt32LE(newSigSize, sigCmd + 12);
  const leFileSize = out.length - leOff;
  out.writeBigUInt64LE(BigInt(leFileSize), linkedit + 48);
  out.writeBigUInt64LE(BigInt(roundUp(leFileSize, pageAlign)), linkedit + 32);

  // SuperBlob header and index, then the CodeDirectory, then the other blobs in index order.
  let at = sigOff;
  u32be(CSMAGIC_EMBEDDED_SIGNATURE, superLength, 1 + blobs.length).copy(out, at);
  let blobAt = index;
  u32be(CSSLOT_CODEDIRECTORY, blobAt).copy(out, at + 12);
  blobAt += cdLength;
  blobs.forEach((x, i) => {
    u32be(x.type, blobAt).copy(out, at + 20 + i * 8);
    x.bytes.copy(out, at + blobAt);
    blobAt += x.bytes.length;
  });
  at = sigOff + index;
  u32be(CSMAGIC_CODEDIRECTORY, cdLength, CD_VERSION, CS_ADHOC, hashOffset, identOffset, nSpecial, nCode, sigOff).copy(
    out,
    at,
  );
  out.set([hashSize, hashType, platform, pageShift], at + 36);
  // spare2, scatterOffset, teamOffset, spare3, codeLimit64: all zero (no scatter, no team, < 4 GB).
  execSeg.copy(out, at + 64);
  identifier.copy(out, at + identOffset);
  special.copy(out, at + hashOffset - special.length);
  for (let i = 0; i < nCode; i++)
    hash(out.subarray(i * page, Math.min((i + 1) * page, sigOff))).copy(out, at + hashOffset + i * hashSize);

  writeFileSync(file, out);
  return { ok: true, pages: nCode, size: out.length };
}
