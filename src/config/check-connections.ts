/** Cross-setting checks of the connection settings; messages name settings, never their values. */
export function checkConnectionSettings(r: Record<string, unknown>, problems: string[]): void {
  const set = (k: string) => String(r[k] ?? '') !== '';
  if (set('temporal.tlsCert') !== set('temporal.tlsKey'))
    problems.push(
      'SLUICE_TEMPORAL_TLS_CERT and SLUICE_TEMPORAL_TLS_KEY: set both (an mTLS client needs both) or neither',
    );
  if (set('s3.accessKeyId') !== set('s3.secretAccessKey'))
    problems.push(
      'SLUICE_S3_ACCESS_KEY_ID and SLUICE_S3_SECRET_ACCESS_KEY: set both, or neither to use the AWS default credential chain',
    );
  const owner = String(r['s3.expectedBucketOwner'] ?? '');
  if (owner && !/^\d{12}$/.test(owner))
    problems.push(`SLUICE_S3_EXPECTED_BUCKET_OWNER (s3.expectedBucketOwner): expected a 12-digit AWS account id`);
  const sigv4 = String(r['opensearch.sigv4Service'] ?? '');
  if (sigv4 && sigv4 !== 'es' && sigv4 !== 'aoss')
    problems.push(
      `SLUICE_OPENSEARCH_SIGV4 (opensearch.sigv4Service): expected es, aoss or empty, got ${JSON.stringify(sigv4)}`,
    );
  if (sigv4 && set('opensearch.username'))
    problems.push('SLUICE_OPENSEARCH_SIGV4 and SLUICE_OPENSEARCH_USERNAME: choose SigV4 or basic auth, not both');
  const access = String(r['snowflake.accessUrl'] ?? '');
  if (access && !/^https?:\/\/[^/]+/i.test(access))
    problems.push('SLUICE_SNOWFLAKE_ACCESS_URL (snowflake.accessUrl): expected an http(s) URL or empty');
  const keys = String(r['codec.keys'] ?? '');
  if (keys) {
    // Validated here so a typo stops start-up rather than the first workflow; the message never repeats a key.
    const ids = new Set<string>();
    for (const [i, entry] of keys.split(',').entries()) {
      const m = /^\s*([A-Za-z0-9._-]+)=([A-Za-z0-9+/=_-]+)\s*$/.exec(entry);
      if (!m) {
        problems.push(`SLUICE_CODEC_KEYS (codec.keys): entry ${i + 1} is not id=base64key`);
        continue;
      }
      if (ids.has(m[1] as string)) problems.push(`SLUICE_CODEC_KEYS (codec.keys): key id "${m[1]}" appears twice`);
      ids.add(m[1] as string);
      if (Buffer.from(m[2] as string, 'base64').length !== 32)
        problems.push(`SLUICE_CODEC_KEYS (codec.keys): key "${m[1]}" is not 32 bytes (AES-256) once base64-decoded`);
    }
  }
}
