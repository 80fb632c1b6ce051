import { type ErrorClass, SINK_NAMES, SINK_SPECS, type SinkName } from './sinks';

/**
 * Every error type an activity throws on purpose, with how it is handled, in one table: the activities' throwers
 * take their type names from here and the workflow's retry and bisection policies read the classes.
 *   permanent  no retry can fix it: skip the retry window, go straight to a decision
 *   record     one record can cause it: never retried whole, bisected until the record stands alone
 *   push-back  the provider asks to slow down: retried with backoff, like any transient failure
 *   systemic   the destination refuses everything (a cluster block, the shard limit, a missing bucket): retried
 *              within the window, then parked under this type; never bisected, nothing quarantined
 * A sink's own types are declared in its spec (activities/sinks/<name>/spec.ts) and joined in here.
 */
const CORE_ERRORS = {
  UnknownLogType: 'permanent',
  SourceMissing: 'permanent',
  SourceChanged: 'permanent',
  SourceAccessDenied: 'permanent',
  TruncatedInput: 'permanent',
  CorruptInput: 'permanent',
  // The file is not in the format asked for (or any we know): refused whole at split, not record by record.
  FormatMismatch: 'permanent',
  StagingCorrupt: 'permanent',
  // A gzip bomb or an oversized file: stopped at a configured limit, waits for a decision.
  DecompressionLimit: 'permanent',
  // A source outside its tenant's SLUICE_TENANT_SOURCES: the workflow fails, as for any invalid input.
  SourceNotAllowed: 'permanent',
  Throttled: 'push-back',
  SystemicRefusal: 'systemic',
} as const satisfies Record<string, ErrorClass>;

type SinkErrors<N extends SinkName> = (typeof SINK_SPECS)[N]['errors'];
type AllSinkErrors = { [N in SinkName]: SinkErrors<N> }[SinkName];
/** A sink's error types, by the class they are declared with. */
export type SinkErrorType<C extends ErrorClass = ErrorClass> = AllSinkErrors extends infer E
  ? E extends Record<string, ErrorClass>
    ? { [K in keyof E]: E[K] extends C ? K : never }[keyof E] & string
    : never
  : never;

export type ErrorType = keyof typeof CORE_ERRORS | SinkErrorType;

export const ERROR_CLASSES: Readonly<Record<ErrorType, ErrorClass>> = Object.assign(
  {},
  CORE_ERRORS,
  ...SINK_NAMES.map((s) => SINK_SPECS[s].errors),
);

const ofClass = (...classes: ErrorClass[]) =>
  (Object.keys(ERROR_CLASSES) as ErrorType[]).filter((t) => classes.includes(ERROR_CLASSES[t]));

/** Failures no retry can fix: they skip the retry window and go straight to bisection or a decision. */
export const PERMANENT_TYPES: readonly ErrorType[] = ofClass('permanent', 'record');

/** Sink failures that may be caused by single records: worth bisecting to find them. */
export const RECORD_REJECTION_TYPES: readonly ErrorType[] = ofClass('record');

/** A destination refusing everything: retried, then parked with this type. */
export const SYSTEMIC_REFUSAL = 'SystemicRefusal' satisfies ErrorType;

export const isRetryable = (type: string): boolean => !(PERMANENT_TYPES as readonly string[]).includes(type);

/** Types the workflow itself gives work that waits for a decision (never thrown by an activity). */
export const WORKFLOW_ERROR_TYPES = {
  /** More records of a chunk rejected one by one than maxPoisonPerChunk: looks systemic. */
  tooManyRejected: 'TooManyRejected',
  /** Still failing when the stage's retry window ran out. */
  retryWindowExhausted: 'RetryWindowExhausted',
  /** The workflow's input failed its checks (validation.ts): it fails at once, non-retryable. */
  invalidInput: 'InvalidInput',
} as const;

/** Refusals of the input itself by the worker: the file fails, as when the workflow's own checks refuse it. */
export const INPUT_REFUSAL_TYPES: readonly string[] = ['SourceNotAllowed', 'UnknownLogType'] satisfies ErrorType[];
