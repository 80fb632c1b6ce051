import { readFileSync } from 'node:fs';

/** Thrown when a certificate or key setting cannot be read; names the setting and file, never the content. */
export class PemError extends Error {
  override name = 'PemError';
}

/**
 * A PEM setting's bytes: the value itself when it is PEM text (a secret injected into the environment), else the
 * file it names (a mounted secret). Empty stays undefined.
 */
export function readPem(value: string, setting: string): Buffer | undefined {
  if (!value) return undefined;
  if (value.includes('-----BEGIN ')) return Buffer.from(value.replace(/\\n/g, '\n'));
  let bytes: Buffer;
  try {
    bytes = readFileSync(value);
  } catch (e) {
    throw new PemError(
      `${setting}: cannot read ${value}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
  if (!bytes.includes('-----BEGIN ')) throw new PemError(`${setting}: ${value} is not a PEM file`);
  return bytes;
}
