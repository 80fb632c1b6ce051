import { ApplicationFailure } from '@temporalio/activity';
import { ERROR_CLASSES, type ErrorType } from '../contracts/errors';

/**
 * A failure of a declared type. Whether Temporal retries it follows the type's class in the one table
 * (contracts/errors.ts), so a thrower never decides retryability on its own.
 */
export function failure(message: string, type: ErrorType, details?: unknown): ApplicationFailure {
  return ApplicationFailure.create({
    type,
    message,
    // Push-back and systemic refusals may clear: retried within the stage's window.
    nonRetryable: ERROR_CLASSES[type] === 'permanent' || ERROR_CLASSES[type] === 'record',
    details: details === undefined ? undefined : [details],
  });
}
