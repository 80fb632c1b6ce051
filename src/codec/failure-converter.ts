import { DefaultFailureConverter } from '@temporalio/common';

/**
 * Loaded by path (clients, workers and the workflow sandbox) when payloads are encrypted: failure messages and
 * stack traces move into an encoded attribute, which the payload codec then encrypts like any payload.
 */
export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
