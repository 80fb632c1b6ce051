import { ALB_TYPES } from './parsers/alb';
import { isFlowHeader } from './parsers/vpc-flow';

/** What the head of a file looks like: the log type to read it as, and words for a person. */
export interface Detection {
  logType: string;
  looksLike: string;
  /** A CloudTrail digest file: integrity metadata, no events. */
  digest?: boolean;
  /** CloudTrail's S3 delivery form, one JSON document `{"Records":[…]}` rather than lines. */
  recordsDocument?: boolean;
}

const RECORDS_DOCUMENT = /^\s*\{\s*"Records"\s*:/;
const DIGEST_KEYS = /"digestStartTime"\s*:|"digestS3Object"\s*:|"digestPublicKeyFingerprint"\s*:/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/;
const SYSLOG_5424 = /^<\d{1,3}>1 \S+ /;
const SYSLOG_3164 = /^(?:<\d{1,3}>)?(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ \d]\d \d{2}:\d{2}:\d{2} /;
const DIGITS = /^\d+$/;

function jsonKind(record: Record<string, unknown>): Detection {
  const has = (...keys: string[]) => keys.every((k) => k in record);
  if (has('eventVersion', 'eventSource') || has('eventTime', 'eventName', 'awsRegion')) {
    return { logType: 'cloudtrail', looksLike: 'CloudTrail events, one JSON object per line' };
  }
  if (has('event_type') && (has('timestamp') || has('flow_id'))) {
    return { logType: 'suricata', looksLike: 'Suricata EVE JSON (event_type field)' };
  }
  if (has('id.orig_h') || has('ts', 'uid') || (has('ts') && has('_path'))) {
    return { logType: 'zeek', looksLike: 'Zeek JSON (ts, uid, id.orig_h fields)' };
  }
  if (has('published', 'eventType') && (has('actor') || has('uuid'))) {
    return { logType: 'okta', looksLike: 'Okta System Log JSON (published, eventType, actor)' };
  }
  if (record['detail-type'] === 'GuardDuty Finding' || (has('schemaVersion', 'accountId', 'type') && has('service'))) {
    return { logType: 'guardduty', looksLike: 'GuardDuty findings JSON' };
  }
  return { logType: 'json', looksLike: 'JSON lines' };
}

function firstLine(text: string): string {
  const nl = text.indexOf('\n');
  return (nl === -1 ? text : text.slice(0, nl)).replace(/\r$/, '');
}

/**
 * Recognises a format from the first bytes of a file (decompressed) and, for the CloudTrail name
 * convention, its key. Undefined when nothing fits: the caller refuses the file rather than guess.
 */
export function detectFormat(head: Buffer, key = ''): Detection | undefined {
  const text = head.toString('utf8').replace(/^\uFEFF/, '');
  const trimmed = text.trimStart();
  if (trimmed === '') return undefined;
  if (trimmed.startsWith('#separator') || trimmed.startsWith('#fields')) {
    return { logType: 'zeek', looksLike: 'Zeek TSV (#separator header)' };
  }
  if (trimmed.startsWith('{')) {
    if (/CloudTrail-Digest/.test(key) || (DIGEST_KEYS.test(text.slice(0, 4096)) && !RECORDS_DOCUMENT.test(text))) {
      return { logType: 'cloudtrail', looksLike: 'a CloudTrail digest file (no events)', digest: true };
    }
    if (RECORDS_DOCUMENT.test(text)) {
      return {
        logType: 'cloudtrail',
        looksLike: 'a CloudTrail S3 delivery file ({"Records": [...]})',
        recordsDocument: true,
      };
    }
    const line = firstLine(trimmed);
    try {
      const value = JSON.parse(line) as unknown;
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
        return jsonKind(value as Record<string, unknown>);
      }
    } catch {
      // A pretty-printed or cut-off object: one JSON document, not lines.
    }
    return { logType: 'json', looksLike: 'one multi-line JSON document, not JSON lines' };
  }
  const line = firstLine(trimmed);
  const tokens = line.split(/ +/);
  if (isFlowHeader(tokens)) return { logType: 'vpcflow', looksLike: 'VPC flow logs (field-name header line)' };
  if (tokens.length === 14 && tokens[0] === '2' && DIGITS.test(tokens[1] ?? '') && /^eni-/.test(tokens[2] ?? '')) {
    return { logType: 'vpcflow', looksLike: 'VPC flow logs (default version 2 format)' };
  }
  if (ALB_TYPES.has(tokens[0] ?? '') && ISO_TIME.test(tokens[1] ?? '')) {
    return { logType: 'alb', looksLike: 'ALB access log text' };
  }
  if (SYSLOG_5424.test(line)) return { logType: 'syslog', looksLike: 'syslog (RFC 5424)' };
  if (SYSLOG_3164.test(line)) return { logType: 'syslog', looksLike: 'syslog (RFC 3164)' };
  return undefined;
}
