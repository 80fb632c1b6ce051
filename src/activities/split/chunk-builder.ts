/** A chunk cut and ready for staging: one contiguous buffer, whatever its number of lines. */
export interface PendingChunk {
  index: number;
  body: Buffer;
  firstLine: number;
  lastLine: number;
  records: number;
  /** Lines at the start of the body that repeat the file's header in force (Zeek TSV, VPC flow), not numbered. */
  headerLines: number;
}

export interface ChunkLimits {
  /** Cut once the chunk holds this many bytes. */
  targetBytes: number;
  /** Cut once the chunk holds this many records, however small: a process activity's memory follows records. */
  maxRecords: number;
}

const NEWLINE = 0x0a;
const INITIAL_CAPACITY = 64 * 1024;

/**
 * Accumulates whole lines into chunks, copying each into one growing buffer: memory follows the chunk's bytes,
 * never its number of lines (no object per line). Blank lines cost one newline byte inside a chunk so line
 * numbers hold for process, and nothing at all before a chunk's first record.
 */
export class ChunkBuilder {
  private buf = Buffer.alloc(0);
  private used = 0;
  private records = 0;
  private firstLine = 0;
  private lastLine = 0;
  private next = 0;
  private headerLines = 0;
  readonly ready: PendingChunk[] = [];

  /** `header` gives the format's header lines in force: every chunk starts with them, so it parses on its own. */
  constructor(
    private readonly limits: ChunkLimits,
    private readonly header: () => Buffer[] = () => [],
  ) {}

  /** A record line (content without its newline). */
  addRecord(content: Buffer, lineNo: number): void {
    this.append(content, lineNo);
    this.records += 1;
    if (this.used >= this.limits.targetBytes || this.records >= this.limits.maxRecords) this.cut();
  }

  /** A header line of the file itself: kept (process reads it too), not a record. */
  addHeader(content: Buffer, lineNo: number): void {
    this.append(content, lineNo);
    if (this.used >= this.limits.targetBytes) this.cut();
  }

  /** A line that holds no record here (blank, or quarantined at split): kept empty so numbering holds. */
  addEmpty(lineNo: number): void {
    if (this.used === 0) return;
    this.append(undefined, lineNo);
    if (this.used >= this.limits.targetBytes) this.cut();
  }

  cut(): void {
    if (this.records > 0) {
      // A chunk much smaller than its buffer is copied out, so a small file does not pin a large buffer.
      const body =
        this.used * 2 < this.buf.length
          ? Buffer.from(this.buf.subarray(0, this.used))
          : this.buf.subarray(0, this.used);
      this.ready.push({
        index: this.next++,
        body,
        firstLine: this.firstLine,
        lastLine: this.lastLine,
        records: this.records,
        headerLines: this.headerLines,
      });
      this.buf = Buffer.alloc(0);
    }
    this.used = 0;
    this.records = 0;
    this.headerLines = 0;
  }

  get count(): number {
    return this.next;
  }

  private append(content: Buffer | undefined, lineNo: number): void {
    const len = content?.length ?? 0;
    if (this.used === 0) this.start(lineNo);
    this.reserve(len + 1);
    if (content) content.copy(this.buf, this.used);
    this.buf[this.used + len] = NEWLINE;
    this.used += len + 1;
    this.lastLine = lineNo;
  }

  private start(lineNo: number): void {
    this.firstLine = lineNo;
    const header = this.header();
    this.headerLines = header.length;
    for (const h of header) {
      this.reserve(h.length + 1);
      h.copy(this.buf, this.used);
      this.buf[this.used + h.length] = NEWLINE;
      this.used += h.length + 1;
    }
  }

  private reserve(extra: number): void {
    const need = this.used + extra;
    if (need <= this.buf.length) return;
    let capacity = Math.max(this.buf.length, INITIAL_CAPACITY);
    while (capacity < need) capacity *= 2;
    const grown = Buffer.allocUnsafe(capacity);
    this.buf.copy(grown, 0, 0, this.used);
    this.buf = grown;
  }
}
