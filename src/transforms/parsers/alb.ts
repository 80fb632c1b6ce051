import { lineText, str } from './json-line';
import type { ParseResult, Parser } from './types';

/**
 * AWS Application Load Balancer access logs: space-separated, some fields double-quoted. The field order is
 * AWS's documented one; fields AWS appends in later releases land in `extra_fields` instead of failing.
 */
const FIELDS = [
  'type',
  'time',
  'elb',
  'client:port',
  'target:port',
  'request_processing_time',
  'target_processing_time',
  'response_processing_time',
  'elb_status_code',
  'target_status_code',
  'received_bytes',
  'sent_bytes',
  'request',
  'user_agent',
  'ssl_cipher',
  'ssl_protocol',
  'target_group_arn',
  'trace_id',
  'domain_name',
  'chosen_cert_arn',
  'matched_rule_priority',
  'request_creation_time',
  'actions_executed',
  'redirect_url',
  'error_reason',
  'target:port_list',
  'target_status_code_list',
  'classification',
  'classification_reason',
  'conn_trace_id',
];
/** The fields every ALB log line has had since the format began. */
const REQUIRED = 17;
const NUMBERS = new Set([
  'request_processing_time',
  'target_processing_time',
  'response_processing_time',
  'elb_status_code',
  'target_status_code',
  'received_bytes',
  'sent_bytes',
]);
export const ALB_TYPES = new Set(['http', 'https', 'h2', 'grpcs', 'ws', 'wss']);

/** Splits on spaces, keeping "quoted strings" (with \" escapes) whole. */
export function tokenize(text: string): string[] | undefined {
  const out: string[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] === ' ') {
      i++;
      continue;
    }
    if (text[i] === '"') {
      let value = '';
      i++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\' && i + 1 < text.length) i++;
        value += text[i];
        i++;
      }
      if (i >= text.length) return undefined;
      out.push(value);
      i++;
    } else {
      const end = text.indexOf(' ', i);
      out.push(text.slice(i, end === -1 ? text.length : end));
      i = end === -1 ? text.length : end;
    }
  }
  return out;
}

function hostPort(value: string): [string | null, number | null] {
  if (value === '-') return [null, null];
  const colon = value.lastIndexOf(':');
  if (colon === -1) return [value, null];
  const host = value.slice(0, colon).replace(/^\[|\]$/g, '');
  const p = Number(value.slice(colon + 1));
  return [host, Number.isInteger(p) ? p : null];
}

function parseAlb(line: Buffer): ParseResult {
  const text = lineText(line);
  if (text === undefined) return { ok: false, reason: 'invalid UTF-8' };
  const tokens = tokenize(text.trim());
  if (tokens === undefined) return { ok: false, reason: 'unterminated quoted field' };
  if (tokens.length < REQUIRED || !ALB_TYPES.has(tokens[0])) {
    return { ok: false, reason: `not an ALB access log entry (${tokens.length} fields, type "${tokens[0] ?? ''}")` };
  }
  const record: Record<string, unknown> = {};
  for (let i = 0; i < Math.min(tokens.length, FIELDS.length); i++) {
    const name = FIELDS[i];
    const raw = tokens[i];
    if (name === 'client:port' || name === 'target:port') {
      const [host, p] = hostPort(raw);
      const prefix = name === 'client:port' ? 'client' : 'target';
      record[`${prefix}_ip`] = host;
      record[`${prefix}_port`] = p;
    } else if (NUMBERS.has(name)) {
      record[name] = raw === '-' ? null : Number(raw);
      if (Number.isNaN(record[name])) return { ok: false, reason: `${name} "${raw}" is not a number` };
    } else {
      record[name.replace(':', '_')] = raw === '-' ? null : raw;
    }
  }
  if (tokens.length > FIELDS.length) record.extra_fields = tokens.slice(FIELDS.length);
  const request = str(record.request);
  if (request !== undefined) {
    const [method, url, protocol] = request.split(' ');
    record.request_method = method === '-' ? null : method;
    record.request_url = url ?? null;
    record.request_protocol = protocol === undefined || protocol === '-' ? null : protocol;
  }
  return { ok: true, record };
}

export const albParser: Parser = {
  logType: 'alb',
  title: 'ALB access log text',
  // `time`: when the response went out; `request_creation_time` when the request came in.
  eventTimeFields: ['time', 'request_creation_time'],
  parse: parseAlb,
  fields(r) {
    const status = r.elb_status_code;
    return {
      src_ip: str(r.client_ip),
      src_port: typeof r.client_port === 'number' ? r.client_port : undefined,
      dst_ip: str(r.target_ip),
      dst_port: typeof r.target_port === 'number' ? r.target_port : undefined,
      action: str(r.request_method),
      outcome: typeof status === 'number' ? String(status) : undefined,
      ocsf_class: 'HTTP Activity',
      ocsf_class_uid: 4002,
    };
  },
};
