import { JSONParser } from '@streamparser/json';

/**
 * Yields each event of a CloudTrail S3 delivery document (`{"Records":[…]}`, pretty-printed or not) as one
 * compact JSON line, reading the document as a stream: memory holds one event, never the file.
 *
 * @streamparser/json because it is push-based and synchronous (`write` emits every value the bytes complete),
 * which fits the split's synchronous line splitter, selects `$.Records.*` by path, and with `keepStack: false`
 * drops each event once emitted; it has no dependencies.
 */
export async function* cloudTrailRecordLines(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const parser = new JSONParser({ paths: ['$.Records.*'], keepStack: false });
  const ready: Buffer[] = [];
  let failure: Error | undefined;
  parser.onValue = ({ value }) => {
    ready.push(Buffer.from(`${JSON.stringify(value)}\n`));
  };
  parser.onError = (err) => {
    failure ??= err;
  };
  for await (const buf of source) {
    parser.write(buf);
    if (failure) throw new CloudTrailDocumentError(failure.message);
    if (ready.length) yield* ready.splice(0);
  }
  if (!parser.isEnded) parser.end();
  if (failure) throw new CloudTrailDocumentError(failure.message);
  yield* ready.splice(0);
}

export class CloudTrailDocumentError extends Error {
  constructor(detail: string) {
    super(`not a well-formed CloudTrail Records document: ${detail}`);
    this.name = 'CloudTrailDocumentError';
  }
}
