/** Reads exact byte counts from a stream of chunks of any size (the output of an inflater). */
export class ByteStreamReader {
  private chunks: Uint8Array[] = [];
  private buffered = 0;
  private ended = false;

  constructor(private readonly source: AsyncIterator<Uint8Array>) {}

  /** The next n bytes; fewer only when the stream ends first. */
  async read(n: number): Promise<Uint8Array> {
    while (this.buffered < n && !this.ended) {
      const next = await this.source.next();
      if (next.done) this.ended = true;
      else if (next.value.length > 0) {
        this.chunks.push(next.value);
        this.buffered += next.value.length;
      }
    }
    const take = Math.min(n, this.buffered);
    const first = this.chunks[0];
    if (first && first.length >= take) {
      this.consume(take);
      return first.subarray(0, take);
    }
    const out = new Uint8Array(take);
    let filled = 0;
    while (filled < take) {
      const chunk = this.chunks[0];
      const part = Math.min(chunk.length, take - filled);
      out.set(chunk.subarray(0, part), filled);
      filled += part;
      this.consume(part);
    }
    return out;
  }

  /** Stops the underlying stream (e.g. after reading only a header). */
  async close(): Promise<void> {
    await this.source.return?.();
  }

  private consume(n: number): void {
    this.buffered -= n;
    const chunk = this.chunks[0];
    if (n === chunk.length) this.chunks.shift();
    else this.chunks[0] = chunk.subarray(n);
  }
}
