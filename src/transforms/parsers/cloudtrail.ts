import { jsonLinesParser, pick, str } from './json-line';

/**
 * CloudTrail events, one per line. The S3 delivery form (`{"Records":[…]}`, usually gzip) is cut into one
 * line per event by the split (framing/cloudtrail-records.ts), so both forms reach this parser the same way.
 */
export const cloudtrailParser = jsonLinesParser({
  logType: 'cloudtrail',
  title: 'CloudTrail JSON',
  eventTimeFields: ['eventTime'],
  fields(r) {
    const error = str(r.errorCode);
    return {
      // Service principals (`ec2.amazonaws.com`) stand where an address would; they are not IPs.
      src_ip: ipOrUndefined(str(r.sourceIPAddress)),
      user:
        str(pick(r, 'userIdentity.userName')) ??
        str(pick(r, 'userIdentity.sessionContext.sessionIssuer.userName')) ??
        str(pick(r, 'userIdentity.arn')),
      action: str(r.eventName),
      outcome: r.eventName === undefined ? undefined : error === undefined ? 'Success' : `Failure: ${error}`,
      cloud_account: str(r.recipientAccountId) ?? str(pick(r, 'userIdentity.accountId')),
      cloud_region: str(r.awsRegion),
      ocsf_class: 'API Activity',
      ocsf_class_uid: 6003,
    };
  },
});

const IP_LIKE = /^[0-9a-fA-F:.]+$/;

function ipOrUndefined(value: string | undefined): string | undefined {
  return value !== undefined && IP_LIKE.test(value) && (value.includes('.') || value.includes(':')) ? value : undefined;
}
