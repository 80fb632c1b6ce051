// The workflow bundle's entry: every workflow type the worker registers.
export { ingestFile } from './ingest-file';
export { replayRejectedRecords } from './replay';
export { scanObjects } from './scan-objects';
