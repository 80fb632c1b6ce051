/**
 * Checks of what crosses into the workflow from any starter (the sluice CLI, the stock temporal CLI, the Web
 * UI, the SDK), shared by the workflow (first thing it does), its signal and update handlers, and the client.
 * Pure and dependency-free: imported by workflow code.
 */
import type { ApproveRequest, DropRequest } from './ingest';

/** Tenants name S3 prefixes, OpenSearch indices and workflow ids: lowercase, short, no separator of any. */
export const TENANT_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;
/** The shape of a log type; whether a parser exists is the worker's to say (UnknownLogType). */
export const LOG_TYPE_PATTERN = /^[a-z][a-z0-9_-]{0,31}$/;
/** S3's bucket naming rules (no slash, so `ingest/<tenant>/<bucket>/<key>` ids cannot collide). */
export const BUCKET_PATTERN = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const ETAG_PATTERN = /^[A-Za-z0-9-]{1,128}$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused
const CONTROL = /[\u0000-\u001f\u007f]/;

const STAGE_NAMES = ['split', 'process', 's3', 'snowflake', 'opensearch'];
const MAX_KEY_LENGTH = 1024;

type Range = [min: number, max: number];
const OPTION_RANGES: Record<string, Range> = {
  chunkTargetBytes: [1024, 1024 ** 3],
  maxRecordBytes: [64, 256 * 1024 ** 2],
  maxChunksInFlight: [1, 256],
  reminderInterval: [1000, 365 * 86_400_000],
  maxPoisonPerChunk: [0, 100_000],
  chunksPerRun: [1, 10_000],
  maxRecordsPerChunk: [1, 1_000_000],
  maxDecompressedBytes: [0, Number.MAX_SAFE_INTEGER],
  maxCompressionRatio: [0, 1_000_000],
  eventTimeMaxAge: [0, 100 * 365 * 86_400_000],
  eventTimeMaxAhead: [0, 100 * 365 * 86_400_000],
  quarantineAlertRatio: [0, 1],
};
const RETRY_FIELDS = ['window', 'initialInterval', 'maximumInterval', 'backoffCoefficient'];

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const show = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v.slice(0, 80)) : String(v));

/** Problems with a retry override (a file's option or an approve's), each in words; empty when valid. */
export function retryProblems(retry: unknown, where: string): string[] {
  if (retry === undefined) return [];
  if (!isObject(retry)) return [`${where} must be an object`];
  const problems: string[] = [];
  for (const [k, v] of Object.entries(retry)) {
    if (k === 'nonRetryableErrorTypes') {
      if (!Array.isArray(v) || v.some((t) => typeof t !== 'string'))
        problems.push(`${where}.nonRetryableErrorTypes must be a list of error type names`);
    } else if (!RETRY_FIELDS.includes(k))
      problems.push(`${where}.${k} is not a retry setting (${RETRY_FIELDS.join(', ')})`);
    else if (typeof v !== 'number' || !Number.isFinite(v) || !(v > 0))
      problems.push(`${where}.${k} must be a positive number (milliseconds)`);
    else if (k === 'backoffCoefficient' && v < 1) problems.push(`${where}.backoffCoefficient must be at least 1`);
  }
  return problems;
}

/** Every problem with a workflow's input, in words; empty when it may run. */
export function ingestInputProblems(input: unknown): string[] {
  if (!isObject(input) || !isObject(input.file))
    return ['input must be {"file": {bucket, key, etag, tenant, logType}, "options"?}'];
  const f = input.file;
  const problems: string[] = [];
  const str = (k: string) => (typeof f[k] === 'string' ? (f[k] as string) : undefined);
  const tenant = str('tenant');
  if (tenant === undefined || !TENANT_PATTERN.test(tenant))
    problems.push(
      `tenant ${show(f.tenant)}: use 1-63 lowercase letters, digits, - and _ (it names S3 prefixes, indices and workflow ids)`,
    );
  const logType = str('logType');
  if (logType === undefined || !LOG_TYPE_PATTERN.test(logType))
    problems.push(`log type ${show(f.logType)}: expected a lowercase name such as zeek, suricata, cloudtrail or json`);
  const bucket = str('bucket');
  if (bucket === undefined || !BUCKET_PATTERN.test(bucket) || bucket.includes('..'))
    problems.push(`bucket ${show(f.bucket)}: not a valid S3 bucket name`);
  const key = str('key');
  if (key === undefined || key.length === 0 || key.length > MAX_KEY_LENGTH || CONTROL.test(key))
    problems.push(`key ${show(f.key)}: expected 1-${MAX_KEY_LENGTH} characters without control characters`);
  const etag = str('etag');
  if (etag === undefined || !ETAG_PATTERN.test(etag))
    problems.push(`etag ${show(f.etag)}: expected the object's ETag without quotes`);
  const options = input.options;
  if (options !== undefined) {
    if (!isObject(options)) problems.push('options must be an object');
    else {
      for (const [k, v] of Object.entries(options)) {
        const range = OPTION_RANGES[k];
        if (k === 'reingest' || k === 'metricLabels') {
          if (typeof v !== 'boolean') problems.push(`options.${k} must be true or false`);
        } else if (k === 'retry') {
          if (!isObject(v)) problems.push('options.retry must be an object of stages');
          else
            for (const [stage, r] of Object.entries(v)) {
              if (!STAGE_NAMES.includes(stage))
                problems.push(`options.retry.${stage}: unknown stage (${STAGE_NAMES.join(', ')})`);
              else problems.push(...retryProblems(r, `options.retry.${stage}`));
            }
        } else if (!range) problems.push(`options.${k} is not an option`);
        else if (typeof v !== 'number' || !Number.isFinite(v) || v < range[0] || v > range[1])
          problems.push(`options.${k} must be a number from ${range[0]} to ${range[1]}, got ${show(v)}`);
      }
    }
  }
  return problems;
}

/** Why an approve request is malformed, or undefined. Shared by the update's validator and the signal. */
export function approveProblem(req: unknown): string | undefined {
  if (req === undefined || req === null) return undefined;
  if (!isObject(req)) return 'approve takes an object such as {"by": "ops", "stage": "opensearch"}';
  const r = req as ApproveRequest;
  if (r.stage !== undefined && !STAGE_NAMES.includes(r.stage as string))
    return `approve: unknown stage ${show(r.stage)} (${STAGE_NAMES.join(', ')})`;
  if (r.by !== undefined && typeof r.by !== 'string') return 'approve: "by" must be a string';
  return retryProblems(r.retry, 'approve: retry')[0];
}

/** Why a drop request is malformed, or undefined. */
export function dropProblem(req: unknown): string | undefined {
  if (!isObject(req)) return 'drop needs {"reason": "...", "by": "..."}';
  const r = req as unknown as DropRequest;
  if (typeof r.reason !== 'string' || !r.reason.trim()) return 'drop needs a non-empty "reason"';
  if (typeof r.by !== 'string' || !r.by.trim()) return 'drop needs "by": who decided';
  if (r.stage !== undefined && !STAGE_NAMES.includes(r.stage as string))
    return `drop: unknown stage ${show(r.stage)} (${STAGE_NAMES.join(', ')})`;
  return undefined;
}
