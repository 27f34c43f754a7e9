/**
 * Mach-O load commands read independently of scripts/ (so a test does not check the re-signer with its own
 * parser), and the layout problems a loader would reject: sizes that do not add up, __LINKEDIT not ending
 * at the end of the file, signature or symbol/dyld tables outside __LINKEDIT or the file.
 */
import { readFileSync } from "node:fs";

const LC_SEGMENT_64 = 0x19;
const LC_SYMTAB = 0x2;
const LC_DYSYMTAB = 0xb;
const LC_CODE_SIGNATURE = 0x1d;
const LC_DYLD_INFO = 0x22;
const LC_DYLD_INFO_ONLY = 0x80000022;
/** linkedit_data_command: {cmd, cmdsize, dataoff, datasize} pointing into __LINKEDIT. */
const LINKEDIT_DATA: Record<number, string> = {
  29: "LC_CODE_SIGNATURE",
  30: "LC_SEGMENT_SPLIT_INFO",
  38: "LC_FUNCTION_STARTS",
  41: "LC_DATA_IN_CODE",
  43: "LC_DYLIB_CODE_SIGN_DRS",
  46: "LC_LINKER_OPTIMIZATION_HINT",
  2147483699: "LC_DYLD_EXPORTS_TRIE",
  2147483700: "LC_DYLD_CHAINED_FIXUPS",
};

export type Segment = { name: string; vmaddr: bigint; vmsize: bigint; fileoff: number; filesize: number };
export type LoadCommands = {
  segments: Segment[];
  signature?: { dataoff: number; datasize: number };
  problems: string[];
};

export function readLoadCommands(file: string): LoadCommands {
  const b = readFileSync(file);
  const problems: string[] = [];
  const segments: Segment[] = [];
  const ranges: [string, number, number][] = []; // [what, offset, size] that must lie in __LINKEDIT
  let signature: LoadCommands["signature"];
  const [ncmds, sizeofcmds] = [b.readUInt32LE(16), b.readUInt32LE(20)];
  let off = 32;
  for (let i = 0; i < ncmds; i++) {
    const [cmd, size] = [b.readUInt32LE(off), b.readUInt32LE(off + 4)];
    if (cmd === LC_SEGMENT_64) {
      segments.push({
        name: b.toString("latin1", off + 8, off + 24).replace(/\0+$/, ""),
        vmaddr: b.readBigUInt64LE(off + 24),
        vmsize: b.readBigUInt64LE(off + 32),
        fileoff: Number(b.readBigUInt64LE(off + 40)),
        filesize: Number(b.readBigUInt64LE(off + 48)),
      });
    } else if (LINKEDIT_DATA[cmd]) {
      const [dataoff, datasize] = [b.readUInt32LE(off + 8), b.readUInt32LE(off + 12)];
      if (cmd === LC_CODE_SIGNATURE) signature = { dataoff, datasize };
      if (datasize) ranges.push([LINKEDIT_DATA[cmd]!, dataoff, datasize]);
    } else if (cmd === LC_SYMTAB) {
      ranges.push(
        ["symbol table", b.readUInt32LE(off + 8), b.readUInt32LE(off + 12) * 16],
        ["string table", b.readUInt32LE(off + 16), b.readUInt32LE(off + 20)],
      );
    } else if (cmd === LC_DYSYMTAB) {
      ranges.push(["indirect symbols", b.readUInt32LE(off + 56), b.readUInt32LE(off + 60) * 4]);
    } else if (cmd === LC_DYLD_INFO || cmd === LC_DYLD_INFO_ONLY) {
      for (const [k, what] of ["rebase", "bind", "weak bind", "lazy bind", "export"].entries())
        ranges.push([`dyld ${what} info`, b.readUInt32LE(off + 8 + k * 8), b.readUInt32LE(off + 12 + k * 8)]);
    }
    off += size;
  }
  if (off - 32 !== sizeofcmds) problems.push(`load commands take ${off - 32} bytes, sizeofcmds says ${sizeofcmds}`);
  const le = segments.find((s) => s.name === "__LINKEDIT");
  if (!le) return { segments, signature, problems: [...problems, "no __LINKEDIT"] };
  if (le.fileoff + le.filesize !== b.length)
    problems.push(`__LINKEDIT ends at ${le.fileoff + le.filesize}, the file at ${b.length}`);
  if (le.vmsize < BigInt(le.filesize)) problems.push(`__LINKEDIT vmsize ${le.vmsize} < filesize ${le.filesize}`);
  for (const s of segments)
    if (s.name !== "__LINKEDIT" && s.vmaddr + s.vmsize > le.vmaddr && s.vmsize > 0n)
      problems.push(`${s.name} is mapped after __LINKEDIT`);
  for (const [what, at, size] of ranges) {
    if (size && (at < le.fileoff || at + size > le.fileoff + le.filesize))
      problems.push(`${what} [${at}, ${at + size}) is outside __LINKEDIT`);
  }
  if (signature && signature.dataoff + signature.datasize !== b.length)
    problems.push("the code signature does not end the file");
  return { segments, signature, problems };
}
