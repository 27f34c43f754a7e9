/**
 * scripts/macho-resign.ts on small synthetic x86_64 executables shaped like Bun 1.4.5's cross-compiled
 * darwin-x64 output: a Developer ID-style signature (hardened runtime, team, requirements, entitlements,
 * CMS) whose CodeDirectory covers only the first page of a longer file. After re-signing, the
 * independent verifier (scripts/macho-signature.ts) and load-command checker (test/lib/macho.ts) agree.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resignMachoAdhoc } from "../../scripts/macho-resign.ts";
import { checkMachoSignature } from "../../scripts/macho-signature.ts";
import { readLoadCommands } from "../lib/macho.ts";

const dir = mkdtempSync(join(tmpdir(), "ouro-macho-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const be = (...w: number[]) =>
  Buffer.concat(
    w.map((x) => {
      const b = Buffer.alloc(4);
      b.writeUInt32BE(x >>> 0);
      return b;
    }),
  );
const sha256 = (d: Uint8Array) => Buffer.from(new Bun.CryptoHasher("sha256").update(d).digest());
const blob = (magic: number, body: Buffer) => Buffer.concat([be(magic, 8 + body.length), body]);
const REQUIREMENTS = blob(0xfade0c01, Buffer.from("designated: anchor apple generic"));
const ENTITLEMENTS = blob(
  0xfade7171,
  Buffer.from("<plist><dict><key>com.apple.security.cs.allow-jit</key><true/></dict></plist>"),
);

/** The broken "template" signature: hashes only page 0 (codeLimit 4096) of a file that is longer. */
function templateSignature(page0: Buffer, cmsBytes: number): Buffer {
  const ident = Buffer.from("bun\0");
  const team = Buffer.from("TEAMID1234\0");
  const nSpecial = 5;
  const special = Buffer.alloc(nSpecial * 32);
  sha256(REQUIREMENTS).copy(special, (nSpecial - 2) * 32);
  sha256(ENTITLEMENTS).copy(special, (nSpecial - 5) * 32);
  const hashOffset = 88 + ident.length + team.length + special.length;
  const head = Buffer.alloc(88);
  be(0xfade0c02, hashOffset + 32, 0x20400, 0x10000, hashOffset, 88, nSpecial, 1, 4096).copy(head);
  head.set([32, 2, 0, 12], 36);
  head.writeUInt32BE(88 + ident.length, 48); // teamOffset
  head.writeBigUInt64BE(4096n, 72); // execSegLimit
  const cd = Buffer.concat([head, ident, team, special, sha256(page0)]);
  const blobs: [number, Buffer][] = [
    [0, cd],
    [2, REQUIREMENTS],
    [5, ENTITLEMENTS],
    [0x10000, blob(0xfade0b01, Buffer.alloc(cmsBytes, 7))],
  ];
  let at = 12 + 8 * blobs.length;
  const index = blobs.map(([type, b]) => {
    const e = be(type, at);
    at += b.length;
    return e;
  });
  return Buffer.concat([be(0xfade0cc0, at, blobs.length), ...index, ...blobs.map(([, b]) => b)]);
}

/** __TEXT (3 pages of code) then __LINKEDIT (a string table and the signature), 4 load commands. */
function syntheticMacho(name: string, { signed = true, cmsBytes = 64 } = {}): string {
  const textSize = 3 * 4096;
  const strtab = 32;
  const sigOff = textSize + strtab;
  const cmds: Buffer[] = [];
  const seg = (name: string, vmaddr: bigint, vmsize: bigint, fileoff: number, filesize: number) => {
    const c = Buffer.alloc(72);
    c.writeUInt32LE(0x19, 0);
    c.writeUInt32LE(72, 4);
    c.write(name, 8, "latin1");
    c.writeBigUInt64LE(vmaddr, 24);
    c.writeBigUInt64LE(vmsize, 32);
    c.writeBigUInt64LE(BigInt(fileoff), 40);
    c.writeBigUInt64LE(BigInt(filesize), 48);
    return c;
  };
  const le32 = (...w: number[]) =>
    Buffer.concat(
      w.map((x) => {
        const b = Buffer.alloc(4);
        b.writeUInt32LE(x >>> 0);
        return b;
      }),
    );
  cmds.push(seg("__TEXT", 0x100000000n, BigInt(textSize), 0, textSize));
  const linkedit = cmds.push(seg("__LINKEDIT", 0x100000000n + BigInt(textSize), 0n, textSize, 0)) - 1;
  cmds.push(le32(0x2, 24, 0, 0, textSize, strtab)); // LC_SYMTAB: no symbols, a string table
  if (signed) cmds.push(le32(0x1d, 16, sigOff, 0)); // LC_CODE_SIGNATURE, size filled in below
  const header = le32(
    0xfeedfacf,
    0x01000007,
    3,
    2,
    cmds.length,
    cmds.reduce((n, c) => n + c.length, 0),
    0x85,
    0,
  );
  const file = Buffer.alloc(sigOff);
  Buffer.concat([header, ...cmds]).copy(file);
  for (let i = 1024; i < textSize; i++) file[i] = (i * 31) & 0xff; // "code"
  const setLinkedit = (fileSize: number) => {
    const at = 32 + 72 * linkedit;
    file.writeBigUInt64LE(BigInt(fileSize - textSize), at + 48);
    file.writeBigUInt64LE(BigInt(Math.ceil((fileSize - textSize) / 4096) * 4096), at + 32);
  };
  let out = file;
  if (signed) {
    const sigSize = templateSignature(Buffer.alloc(4096), cmsBytes).length;
    file.writeUInt32LE(sigSize, 32 + 72 * 2 + 24 + 12);
    setLinkedit(sigOff + sigSize);
    out = Buffer.concat([file, templateSignature(file.subarray(0, 4096), cmsBytes)]);
  } else setLinkedit(sigOff);
  const path = join(dir, name);
  writeFileSync(path, out);
  return path;
}

/** The CodeDirectory and blob types of the file's signature, read directly. */
function signatureOf(path: string) {
  const b = readFileSync(path);
  const { signature } = readLoadCommands(path);
  const sb = signature!.dataoff;
  const types = Array.from({ length: b.readUInt32BE(sb + 8) }, (_, i) => b.readUInt32BE(sb + 12 + i * 8));
  const blobAt = (type: number) => sb + b.readUInt32BE(sb + 16 + types.indexOf(type) * 8);
  const cd = blobAt(0);
  const bytes = (type: number) => b.subarray(blobAt(type), blobAt(type) + b.readUInt32BE(blobAt(type) + 4));
  return {
    types,
    flags: b.readUInt32BE(cd + 12),
    teamOffset: b.readUInt32BE(cd + 48),
    hashType: b[cd + 37],
    pageShift: b[cd + 39],
    identifier: b.toString("latin1", cd + b.readUInt32BE(cd + 20), b.indexOf(0, cd + b.readUInt32BE(cd + 20))),
    requirements: bytes(2),
    entitlements: bytes(5),
  };
}

describe("ad-hoc re-signing of a Mach-O whose signature covers only a prefix", () => {
  test("the synthetic input is well-formed but mis-signed, like Bun's darwin-x64", () => {
    const f = syntheticMacho("input");
    expect(readLoadCommands(f).problems).toEqual([]);
    expect(checkMachoSignature(f)).toEqual({
      ok: false,
      reason: "codeLimit 4096 ≠ signature offset 12320: part of the file is unsigned",
    });
  });

  test("re-signed: every page hashed, ad hoc, same identifier and hashing, entitlements kept, load commands consistent", () => {
    const f = syntheticMacho("resign");
    const before = readFileSync(f);
    const r = resignMachoAdhoc(f);
    expect(r).toMatchObject({ ok: true, pages: 4 });
    expect(checkMachoSignature(f)).toEqual({ ok: true, pages: 4 });
    expect(readLoadCommands(f).problems).toEqual([]);
    const sig = signatureOf(f);
    expect(sig).toMatchObject({
      flags: 0x2,
      teamOffset: 0,
      hashType: 2,
      pageShift: 12,
      identifier: "bun",
      types: [0, 2, 5, 0x10000],
    });
    expect(sig.requirements).toEqual(be(0xfade0c01, 12, 0));
    expect(sig.entitlements).toEqual(ENTITLEMENTS);
    // Outside the load commands, the code before the signature is byte for byte the same.
    const after = readFileSync(f);
    expect(after.subarray(1024, 12320).equals(before.subarray(1024, 12320))).toBe(true);
  });

  test("the signature area grows or shrinks to fit, and __LINKEDIT follows", () => {
    for (const [cmsBytes, grows] of [
      [64, true],
      [4000, false],
    ] as const) {
      const f = syntheticMacho(`size-${cmsBytes}`, { cmsBytes });
      const oldSize = readFileSync(f).length;
      const r = resignMachoAdhoc(f);
      expect(r.ok).toBe(true);
      const lc = readLoadCommands(f);
      expect(lc.problems).toEqual([]);
      expect(lc.signature!.dataoff).toBe(12320);
      expect(lc.signature!.datasize % 16).toBe(0);
      expect(readFileSync(f).length > oldSize).toBe(grows);
      expect(checkMachoSignature(f).ok).toBe(true);
    }
  });

  test("re-signing a valid result again changes nothing", () => {
    const f = syntheticMacho("twice");
    resignMachoAdhoc(f);
    const once = readFileSync(f);
    expect(resignMachoAdhoc(f).ok).toBe(true);
    expect(readFileSync(f).equals(once)).toBe(true);
  });

  test("the verifier notices a changed code byte or entitlements blob after signing", () => {
    const f = syntheticMacho("tamper");
    resignMachoAdhoc(f);
    const good = readFileSync(f);
    const code = Buffer.from(good);
    code[9000] = code[9000]! ^ 1;
    writeFileSync(f, code);
    expect(checkMachoSignature(f)).toEqual({ ok: false, reason: "page 2 hash mismatch" });
    const ents = Buffer.from(good);
    const at = good.lastIndexOf("allow-jit");
    ents[at] = ents[at]! ^ 1;
    writeFileSync(f, ents);
    expect(checkMachoSignature(f)).toEqual({ ok: false, reason: "special slot -5 does not match its blob" });
  });

  test("an unsigned binary or a non-Mach-O file is refused and left untouched", () => {
    const unsigned = syntheticMacho("unsigned", { signed: false });
    expect(readLoadCommands(unsigned).problems).toEqual([]);
    const before = readFileSync(unsigned);
    expect(resignMachoAdhoc(unsigned)).toEqual({ ok: false, reason: "not signed (no LC_CODE_SIGNATURE)" });
    expect(readFileSync(unsigned).equals(before)).toBe(true);
    const text = join(dir, "text");
    writeFileSync(text, "#!/bin/sh\necho hi\n".padEnd(64, " "));
    expect(resignMachoAdhoc(text)).toEqual({ ok: false, reason: "not a 64-bit little-endian Mach-O" });
  });

  test("the load-command checker flags a __LINKEDIT that does not reach the end of the file", () => {
    const f = syntheticMacho("short");
    const size = readFileSync(f).length;
    writeFileSync(f, Buffer.concat([readFileSync(f), Buffer.alloc(16)]));
    expect(readLoadCommands(f).problems).toEqual([
      `__LINKEDIT ends at ${size}, the file at ${size + 16}`,
      "the code signature does not end the file",
    ]);
  });
});
