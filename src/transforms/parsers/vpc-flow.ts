import { lineText, port, str } from './json-line';
import type { LineRead, LineReader, Parser } from './types';

/**
 * VPC flow logs as text: space-separated fields, `-` for "no value". The default format is version 2's
 * fourteen fields; a custom format (fields of versions 3–8) is named by the header line S3 delivery writes at
 * the top of every file, and that header drives how each row is read.
 */

export const DEFAULT_FIELDS = [
  'version',
  'account-id',
  'interface-id',
  'srcaddr',
  'dstaddr',
  'srcport',
  'dstport',
  'protocol',
  'packets',
  'bytes',
  'start',
  'end',
  'action',
  'log-status',
];

const CUSTOM_FIELDS = [
  'vpc-id',
  'subnet-id',
  'instance-id',
  'tcp-flags',
  'type',
  'pkt-srcaddr',
  'pkt-dstaddr',
  'region',
  'az-id',
  'sublocation-type',
  'sublocation-id',
  'pkt-src-aws-service',
  'pkt-dst-aws-service',
  'flow-direction',
  'traffic-path',
  'ecs-cluster-arn',
  'ecs-cluster-name',
  'ecs-container-instance-arn',
  'ecs-container-instance-id',
  'ecs-container-id',
  'ecs-second-container-id',
  'ecs-service-name',
  'ecs-task-definition-arn',
  'ecs-task-arn',
  'ecs-task-id',
  'reject-reason',
  'resource-id',
  'encryption-status',
];

export const KNOWN_FIELDS = new Set([...DEFAULT_FIELDS, ...CUSTOM_FIELDS]);

const NUMERIC = new Set([
  'version',
  'srcport',
  'dstport',
  'protocol',
  'packets',
  'bytes',
  'start',
  'end',
  'tcp-flags',
  'traffic-path',
]);
// A field name of a version after 8: lower-case words joined by hyphens, no digits (values have digits).
const FIELD_NAME = /^[a-z]+(?:-[a-z]+)*$/;

/** The header line: every token a field name, at least half of them ones we know. */
export function isFlowHeader(tokens: string[]): boolean {
  if (tokens.length === 0 || !tokens.every((t) => FIELD_NAME.test(t))) return false;
  return tokens.filter((t) => KNOWN_FIELDS.has(t)).length * 2 >= tokens.length;
}

function tokensOf(line: Buffer): string[] | undefined {
  const text = lineText(line);
  return text === undefined ? undefined : text.trim().split(/ +/);
}

class FlowReader implements LineReader {
  private fields: string[] | undefined;
  private header: Buffer[] = [];

  isHeader(line: Buffer): boolean {
    // Rows start with a digit or `-` in the default format; only a header starts with a letter there.
    const c = line[0];
    if (c === undefined || c < 0x61 || c > 0x7a) return false;
    const tokens = tokensOf(line);
    return tokens !== undefined && isFlowHeader(tokens);
  }

  headerLines(): Buffer[] {
    return this.header;
  }

  read(line: Buffer): LineRead {
    const tokens = tokensOf(line);
    if (tokens === undefined) return { kind: 'error', reason: 'invalid UTF-8' };
    if (isFlowHeader(tokens)) {
      this.fields = tokens;
      this.header = [Buffer.from(line)];
      return { kind: 'header' };
    }
    const fields = this.fields ?? DEFAULT_FIELDS;
    if (tokens.length !== fields.length) {
      return {
        kind: 'error',
        reason:
          this.fields === undefined
            ? `VPC flow record has ${tokens.length} fields; the default format has ${fields.length} and no header line names a custom one`
            : `VPC flow record has ${tokens.length} fields, the header names ${fields.length}`,
      };
    }
    const record: Record<string, unknown> = {};
    for (let i = 0; i < fields.length; i++) {
      const name = fields[i];
      const raw = tokens[i];
      if (raw === '-') {
        record[name] = null;
      } else if (NUMERIC.has(name)) {
        const n = Number(raw);
        if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n)) {
          return { kind: 'error', reason: `${name} "${raw}" is not a number` };
        }
        record[name] = n;
      } else {
        record[name] = raw;
      }
    }
    // NODATA (no traffic in the interval) and SKIPDATA (records lost to capacity) are facts worth keeping.
    const status = record['log-status'];
    if (status === 'NODATA' || status === 'SKIPDATA') record.flow_record_kind = status;
    return { kind: 'record', record };
  }
}

export const vpcFlowParser: Parser = {
  logType: 'vpcflow',
  title: 'VPC flow log text',
  eventTimeFields: ['start', 'end'],
  parse(line) {
    const r = new FlowReader().read(line);
    return r.kind === 'record'
      ? { ok: true, record: r.record }
      : { ok: false, reason: r.kind === 'error' ? r.reason : 'a VPC flow header line, not a record' };
  },
  reader: () => new FlowReader(),
  fields(r) {
    return {
      src_ip: str(r.srcaddr),
      src_port: port(r.srcport),
      dst_ip: str(r.dstaddr),
      dst_port: port(r.dstport),
      action: str(r.action),
      outcome: str(r['log-status']),
      cloud_account: str(r['account-id']),
      cloud_region: str(r.region),
      ocsf_class: 'Network Activity',
      ocsf_class_uid: 4001,
    };
  },
};
