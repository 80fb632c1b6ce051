/** A mistake in how the CLI was called: printed with usage, exit code 2, no stack trace. */
export class UsageError extends Error {
  override name = 'UsageError';
}
