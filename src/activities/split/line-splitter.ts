/**
 * Cuts a byte stream into lines without ever holding more than one record (bounded by the size limit).
 * Synchronous on purpose: one callback per line costs far less than one promise per line, and the caller
 * awaits its own I/O between pushed buffers.
 */
export interface LineSink {
  line(content: Buffer, lineNo: number, offset: number): void;
  /** An empty line: told apart without allocating anything, since a file may hold hundreds of millions. */
  empty(lineNo: number): void;
  /** A line longer than the limit: its first `kept` bytes (at most the cap) and its full length. */
  oversize(kept: Buffer, totalBytes: number, lineNo: number, offset: number): void;
}

const NEWLINE = 0x0a;

export class LineSplitter {
  private parts: Buffer[] = [];
  private length = 0;
  /** Bytes of the current line beyond what is kept. */
  private dropped = 0;
  private lineNo = 1;
  private lineStart = 0;
  private consumed = 0;
  /** Most bytes of one line ever held: enough to see it is over the limit, and what quarantine keeps of it. */
  private readonly keep: number;

  constructor(
    private readonly maxRecordBytes: number,
    oversizeKeepBytes: number,
    private readonly sink: LineSink,
  ) {
    this.keep = Math.max(maxRecordBytes + 1, oversizeKeepBytes);
  }

  get bytesRead(): number {
    return this.consumed;
  }

  push(buf: Buffer): void {
    this.consumed += buf.length;
    let start = 0;
    for (;;) {
      const nl = buf.indexOf(NEWLINE, start);
      const end = nl === -1 ? buf.length : nl;
      if (end > start) this.append(buf.subarray(start, end));
      if (nl === -1) return;
      this.endLine(1);
      start = nl + 1;
    }
  }

  /** The last line of a file may lack its newline. */
  finish(): void {
    if (this.length > 0 || this.dropped > 0) this.endLine(0);
  }

  private append(seg: Buffer): void {
    const room = this.keep - this.length;
    if (seg.length <= room) {
      this.parts.push(seg);
      this.length += seg.length;
      return;
    }
    if (room > 0) {
      this.parts.push(seg.subarray(0, room));
      this.length += room;
    }
    this.dropped += seg.length - Math.max(room, 0);
  }

  private endLine(newlineBytes: number): void {
    const total = this.length + this.dropped;
    if (total === 0) {
      this.sink.empty(this.lineNo);
      this.lineStart += newlineBytes;
      this.lineNo += 1;
      return;
    }
    const content = this.parts.length === 1 ? (this.parts[0] as Buffer) : Buffer.concat(this.parts, this.length);
    if (total > this.maxRecordBytes) this.sink.oversize(content, total, this.lineNo, this.lineStart);
    else this.sink.line(content, this.lineNo, this.lineStart);
    this.lineStart += total + newlineBytes;
    this.lineNo += 1;
    this.parts = [];
    this.length = 0;
    this.dropped = 0;
  }
}

/** Blank or whitespace-only lines carry no record: skipped, neither counted nor quarantined. */
export function isBlank(line: Buffer): boolean {
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c !== 0x20 && c !== 0x09 && c !== 0x0d) return false;
  }
  return true;
}
