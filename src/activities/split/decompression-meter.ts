import type { FileRef } from '../../contracts/ingest';
import { failure } from '../failures';
import { sourceUri } from '../layout';

export interface DecompressionLimits {
  maxDecompressedBytes: number;
  maxCompressionRatio: number;
  /** The ratio is judged only past this many decompressed bytes. */
  ratioFloorBytes: number;
}

const MiB = 1024 * 1024;
const size = (n: number) => (n >= 1024 * MiB ? `${(n / 1024 / MiB).toFixed(1)} GiB` : `${(n / MiB).toFixed(1)} MiB`);

/**
 * Counts compressed bytes read and decompressed bytes produced, and stops a file past either limit with a
 * permanent error that names the limit and its setting: a gzip bomb never gets decompressed in full. The
 * workflow parks the file for a decision; nothing is deleted.
 */
export class DecompressionMeter {
  private compressedBytes = 0;
  private decompressedBytes = 0;

  constructor(
    private readonly file: FileRef,
    private readonly gzip: boolean,
    private readonly limits: DecompressionLimits,
  ) {}

  compressed(n: number): void {
    this.compressedBytes += n;
  }

  decompressed(n: number): void {
    this.decompressedBytes += n;
    const { maxDecompressedBytes, maxCompressionRatio, ratioFloorBytes } = this.limits;
    if (maxDecompressedBytes > 0 && this.decompressedBytes > maxDecompressedBytes) {
      throw failure(
        `${sourceUri(this.file)}: more than ${size(maxDecompressedBytes)} ${this.gzip ? 'after decompression' : 'of data'}, over the limit SLUICE_MAX_DECOMPRESSED_BYTES (${maxDecompressedBytes} bytes); stopped there. Raise the limit and ingest again with --reingest, or drop the file`,
        'DecompressionLimit',
      );
    }
    if (!this.gzip || maxCompressionRatio <= 0 || this.decompressedBytes <= ratioFloorBytes) return;
    const ratio = this.decompressedBytes / Math.max(1, this.compressedBytes);
    if (ratio > maxCompressionRatio) {
      throw failure(
        `${sourceUri(this.file)}: ${size(this.decompressedBytes)} decompressed from ${size(this.compressedBytes)} read, a ratio of ${Math.round(ratio)}:1, over the limit SLUICE_MAX_COMPRESSION_RATIO (${maxCompressionRatio}:1); looks like a decompression bomb, stopped there. Raise the limit and ingest again with --reingest, or drop the file`,
        'DecompressionLimit',
      );
    }
  }
}
