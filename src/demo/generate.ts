import { cloudtrailEvent } from './cloudtrail-events';
import { EventClock } from './fake-values';
import { Prng } from './prng';
import { suricataEvent } from './suricata-events';
import { zeekConnEvent } from './zeek-events';

export type DemoKind = 'zeek' | 'suricata' | 'cloudtrail';

type EventBuilder = (rng: Prng, micros: number) => Record<string, unknown>;

const BUILDERS: Record<DemoKind, EventBuilder> = {
  zeek: zeekConnEvent,
  suricata: suricataEvent,
  cloudtrail: cloudtrailEvent,
};

// A fixed start keeps output identical across runs; only the seed varies it.
const BASE_TIME = '2024-03-01T00:00:00.000Z';
const MAX_STEP_MS = 2000;

// Lines are joined into chunks of about this many characters: one write per line is slow at volume.
const WRITE_CHUNK_CHARS = 64 * 1024;

/** `count` JSON lines (no trailing newline) of realistic `kind` events; same seed, same lines. */
export function* generateEvents(kind: DemoKind, count: number, seed = 1): Generator<string> {
  const build = BUILDERS[kind];
  // The type rules this out for TypeScript callers; the CLI passes user input through.
  if (build === undefined) {
    throw new Error(`unknown demo kind ${JSON.stringify(kind)}; known: cloudtrail, suricata, zeek`);
  }
  const rng = new Prng(seed);
  const clock = new EventClock(BASE_TIME, MAX_STEP_MS);
  for (let i = 0; i < count; i++) yield JSON.stringify(build(rng, clock.tick(rng)));
}

function waitForDrain(out: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      out.off('drain', onDrain);
      out.off('error', onError);
      out.off('close', onClose);
    };
    const onDrain = () => {
      cleanup();
      resolve();
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    // A stream closed while full never drains; without this the caller would hang forever.
    const onClose = () => {
      cleanup();
      reject(new Error('stream closed before it drained'));
    };
    out.on('drain', onDrain);
    out.on('error', onError);
    out.on('close', onClose);
  });
}

function writeWithCallback(out: NodeJS.WritableStream, chunk: string): Promise<void> {
  return new Promise((resolve, reject) => {
    out.write(chunk, (err?: Error | null) => (err ? reject(err) : resolve()));
  });
}

/**
 * Writes each line plus `\n` to `out`, waiting for 'drain' whenever the stream's buffer is full, and resolves
 * once the last chunk has been accepted; a stream error rejects. Does not end `out`: it may be stdout.
 */
export async function writeNdjson(lines: Iterable<string>, out: NodeJS.WritableStream): Promise<void> {
  let failure: Error | undefined;
  // Writable reports a failed write to its callback and then emits 'error'; listening turns that emit into
  // this promise's rejection instead of an uncaught exception.
  const onError = (err: Error) => {
    failure ??= err;
  };
  out.on('error', onError);
  let succeeded = false;
  try {
    let chunk = '';
    for (const line of lines) {
      chunk += `${line}\n`;
      if (chunk.length >= WRITE_CHUNK_CHARS) {
        if (!out.write(chunk)) await waitForDrain(out);
        if (failure !== undefined) throw failure;
        chunk = '';
      }
    }
    await writeWithCallback(out, chunk);
    if (failure !== undefined) throw failure;
    succeeded = true;
  } finally {
    // After a failure the stream's own 'error' emit is still queued (next tick); stop listening only after it.
    if (succeeded) out.off('error', onError);
    else setImmediate(() => out.off('error', onError));
  }
}
