import { compactIpv6, formatTimestamp, ipv6Groups, publicIpv4, upperId, uuid } from './fake-values';
import type { Prng } from './prng';

const ACCOUNTS = ['111122223333', '123456789012', '444455556666'];
const USERS = ['JohnDoe', 'JaneDoe', 'ci-deployer', 'alice', 'bob'];
const ROLES = ['RoleToBeAssumed', 'ReadOnlyAuditor', 'DataPipeline'];
const REGIONS = ['us-east-1', 'us-east-2', 'eu-west-1'];
const BUCKETS = ['acme-prod-logs', 'acme-reports', 'example-data-lake'];
const CONSOLE_AGENT = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0';
const CLI_AGENT = 'aws-cli/2.15.0 Python/3.11.6 Linux/6.1.0 exe/x86_64.amzn.2023 prompt/off command/sts.assume-role';
const SDK_AGENT = '[Boto3/1.34.0 md/Botocore#1.34.0 ua/2.0 os/linux#6.1.0 md/arch#x86_64 lang/python#3.11.6]';

function sourceIp(rng: Prng): string {
  return rng.chance(0.1) ? compactIpv6(ipv6Groups(rng)) : publicIpv4(rng);
}

function iamUser(rng: Prng, account: string, user: string): Record<string, unknown> {
  return {
    type: 'IAMUser',
    principalId: upperId(rng, 'AIDA', 17),
    arn: `arn:aws:iam::${account}:user/${user}`,
    accountId: account,
    userName: user,
  };
}

function assumedRole(rng: Prng, account: string, role: string, session: string): Record<string, unknown> {
  const roleId = upperId(rng, 'AROA', 17);
  return {
    type: 'AssumedRole',
    principalId: `${roleId}:${session}`,
    arn: `arn:aws:sts::${account}:assumed-role/${role}/${session}`,
    accountId: account,
    accessKeyId: upperId(rng, 'ASIA', 16),
    sessionContext: {
      attributes: { mfaAuthenticated: 'false', creationDate: '2024-03-01T00:00:00Z' },
      sessionIssuer: {
        type: 'Role',
        principalId: roleId,
        arn: `arn:aws:iam::${account}:role/${role}`,
        accountId: account,
        userName: role,
      },
    },
  };
}

function consoleLogin(rng: Prng, account: string): Record<string, unknown> {
  const success = rng.chance(0.7);
  return {
    userIdentity: iamUser(rng, account, rng.pick(USERS)),
    eventSource: 'signin.amazonaws.com',
    eventName: 'ConsoleLogin',
    userAgent: CONSOLE_AGENT,
    ...(success ? {} : { errorMessage: 'Failed authentication' }),
    requestParameters: null,
    responseElements: { ConsoleLogin: success ? 'Success' : 'Failure' },
    additionalEventData: {
      LoginTo: 'https://console.aws.amazon.com/console/home',
      MobileVersion: 'No',
      MFAUsed: rng.pick(['Yes', 'No']),
    },
    eventType: 'AwsConsoleSignIn',
  };
}

function assumeRole(rng: Prng, account: string): Record<string, unknown> {
  const role = rng.pick(ROLES);
  const session = `session-${rng.int(1000, 9999)}`;
  const roleArn = `arn:aws:iam::${account}:role/${role}`;
  return {
    userIdentity: iamUser(rng, account, rng.pick(USERS)),
    eventSource: 'sts.amazonaws.com',
    eventName: 'AssumeRole',
    userAgent: CLI_AGENT,
    requestParameters: { roleArn, roleSessionName: session, durationSeconds: 3600 },
    responseElements: {
      credentials: { accessKeyId: upperId(rng, 'ASIA', 16), expiration: 'Mar 1, 2024, 1:00:00 AM' },
      assumedRoleUser: {
        assumedRoleId: `${upperId(rng, 'AROA', 17)}:${session}`,
        arn: `arn:aws:sts::${account}:assumed-role/${role}/${session}`,
      },
    },
    requestID: uuid(rng),
    readOnly: true,
    resources: [{ ARN: roleArn, accountId: account, type: 'AWS::IAM::Role' }],
    eventType: 'AwsApiCall',
    managementEvent: true,
  };
}

function getObject(rng: Prng, account: string, region: string): Record<string, unknown> {
  const bucket = rng.pick(BUCKETS);
  const key = `logs/2024/03/01/part-${rng.int(0, 999)}.json.gz`;
  return {
    userIdentity: assumedRole(rng, account, rng.pick(ROLES), `session-${rng.int(1000, 9999)}`),
    eventSource: 's3.amazonaws.com',
    eventName: 'GetObject',
    userAgent: SDK_AGENT,
    requestParameters: { bucketName: bucket, Host: `${bucket}.s3.${region}.amazonaws.com`, key },
    responseElements: null,
    additionalEventData: {
      SignatureVersion: 'SigV4',
      AuthenticationMethod: 'AuthHeader',
      bytesTransferredOut: rng.int(100, 5_000_000),
    },
    requestID: upperId(rng, '', 16),
    readOnly: true,
    resources: [
      { type: 'AWS::S3::Object', ARN: `arn:aws:s3:::${bucket}/${key}` },
      { accountId: account, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${bucket}` },
    ],
    eventType: 'AwsApiCall',
    managementEvent: false,
    eventCategory: 'Data',
  };
}

/** One CloudTrail event (ConsoleLogin, AssumeRole or GetObject), shaped like the real samples. */
export function cloudtrailEvent(rng: Prng, micros: number): Record<string, unknown> {
  const account = rng.pick(ACCOUNTS);
  const region = rng.pick(REGIONS);
  const name = rng.pick(['ConsoleLogin', 'AssumeRole', 'GetObject'] as const);
  const specific =
    name === 'ConsoleLogin'
      ? consoleLogin(rng, account)
      : name === 'AssumeRole'
        ? assumeRole(rng, account)
        : getObject(rng, account, region);
  const { userIdentity, ...rest } = specific;
  return {
    eventVersion: '1.08',
    userIdentity,
    // CloudTrail writes whole seconds.
    eventTime: formatTimestamp(micros, 0, 0, true),
    awsRegion: region,
    sourceIPAddress: sourceIp(rng),
    ...rest,
    eventID: uuid(rng),
    recipientAccountId: account,
  };
}
