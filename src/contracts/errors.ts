import { type ErrorClass, SINK_NAMES, SINK_SPECS, type SinkName } from './sinks';

/**
 * Every error type an activity throws on purpose, with how it is handled, in one table: the activities' throwers
 * take their type names from here and the workflow's retry and bisection policies read the classes.
 *   permanent  no retry can fix it: skip the retry window, go straight to a decision
 *   record     one record can cause it: never retried whole, bisected until the record stands alone
 *   push-back  the provider asks to slow down: retried with backoff, like any transient failure
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
  Throttled: 'push-back',
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

export const isRetryable = (type: string): boolean => !(PERMANENT_TYPES as readonly string[]).includes(type);

/** Types the workflow itself gives work that waits for a decision (never thrown by an activity). */
export const WORKFLOW_ERROR_TYPES = {
  /** More records of a chunk rejected one by one than maxPoisonPerChunk: looks systemic. */
  tooManyRejected: 'TooManyRejected',
  /** Still failing when the stage's retry window ran out. */
  retryWindowExhausted: 'RetryWindowExhausted',
} as const;
