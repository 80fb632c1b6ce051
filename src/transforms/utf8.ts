// One shared decoder: `fatal` makes invalid byte sequences throw instead of silently becoming U+FFFD,
// which would corrupt indicators and hide bad input from operators.
const strictDecoder = new TextDecoder('utf-8', { fatal: true });

/** Decodes `buf` as UTF-8; undefined when it is not valid UTF-8. A leading BOM is dropped. */
export function decodeUtf8Strict(buf: Buffer): string | undefined {
  try {
    return strictDecoder.decode(buf);
  } catch {
    return undefined;
  }
}
