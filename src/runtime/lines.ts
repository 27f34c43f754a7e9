/** Byte-level line framing with a size cap, and a small ring buffer for bounded tails. */

const NL = 10;
const decoder = new TextDecoder();

/**
 * Splits chunks into UTF-8 lines (a trailing \r is dropped). A line longer than `maxBytes`
 * sets `overflow` (or, with `truncate`, is cut) instead of growing memory without bound.
 */
export class LineFramer {
  private pending: Uint8Array[] = [];
  private pendingLen = 0;
  private dropping = false;
  overflow = false;

  constructor(
    private readonly maxBytes: number,
    private readonly truncate = false,
  ) {}

  push(chunk: Uint8Array): string[] {
    const out: string[] = [];
    let start = 0;
    while (start < chunk.length) {
      const nl = chunk.indexOf(NL, start);
      if (nl === -1) {
        this.hold(chunk.subarray(start));
        break;
      }
      const piece = chunk.subarray(start, nl);
      start = nl + 1;
      if (this.dropping) {
        this.dropping = false;
        this.reset();
        continue;
      }
      out.push(this.take(piece));
    }
    return out;
  }

  /** The unterminated last line, if any. */
  end(): string | null {
    if (this.pendingLen === 0 || this.dropping) return null;
    return this.take(new Uint8Array(0));
  }

  private hold(bytes: Uint8Array): void {
    if (this.dropping) return;
    if (this.pendingLen + bytes.length > this.maxBytes) {
      if (!this.truncate) {
        this.overflow = true;
        this.reset();
        return;
      }
      const room = this.maxBytes - this.pendingLen;
      if (room > 0) this.pending.push(bytes.slice(0, room));
      this.pendingLen += Math.max(room, 0);
      this.dropping = true;
      return;
    }
    // Copy: the reader may reuse the chunk's buffer.
    this.pending.push(bytes.slice());
    this.pendingLen += bytes.length;
  }

  private take(last: Uint8Array): string {
    let bytes = last;
    if (this.pendingLen > 0) {
      if (this.pendingLen + last.length > this.maxBytes && !this.truncate) {
        this.overflow = true;
        this.reset();
        return "";
      }
      bytes = new Uint8Array(this.pendingLen + last.length);
      let o = 0;
      for (const p of this.pending) {
        bytes.set(p, o);
        o += p.length;
      }
      bytes.set(last, o);
      this.reset();
    } else if (last.length > this.maxBytes) {
      if (!this.truncate) {
        this.overflow = true;
        return "";
      }
      bytes = last.subarray(0, this.maxBytes);
    }
    const n = bytes.length;
    return decoder.decode(n > 0 && bytes[n - 1] === 13 ? bytes.subarray(0, n - 1) : bytes);
  }

  private reset(): void {
    this.pending = [];
    this.pendingLen = 0;
  }
}

/** Keeps the newest `size` items. */
export class Ring<T> {
  private items: T[] = [];
  private head = 0;
  constructor(private readonly size: number) {}
  push(x: T): void {
    if (this.items.length < this.size) this.items.push(x);
    else {
      this.items[this.head] = x;
      this.head = (this.head + 1) % this.size;
    }
  }
  toArray(): T[] {
    return [...this.items.slice(this.head), ...this.items.slice(0, this.head)];
  }
}
