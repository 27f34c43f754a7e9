/**
 * Reads a child's stdout one JSONL line at a time (an `events --follow --json` under test): each
 * call waits for the next whole line; `pending()` is what has arrived past the last line read.
 */
export function jsonLines<T = Record<string, unknown>>(proc: {
  stdout: ReadableStream<Uint8Array>;
  stderr: ReadableStream<Uint8Array>;
}): { next: () => Promise<T>; pending: () => string } {
  const reader = proc.stdout.getReader();
  const decoder = new TextDecoder();
  let buf = "";
  return {
    async next() {
      while (!buf.includes("\n")) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended early: ${await new Response(proc.stderr).text()}`);
        buf += decoder.decode(value, { stream: true });
      }
      const i = buf.indexOf("\n");
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      return JSON.parse(line) as T;
    },
    pending: () => buf,
  };
}
