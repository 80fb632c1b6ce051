/**
 * A request Sluice cannot act on as given (a file that does not exist, a missing tenant, a bad flag): said plainly,
 * without a stack trace. The CLI prints it with exit code 2.
 */
export class UsageError extends Error {
  override name = 'UsageError';
}
