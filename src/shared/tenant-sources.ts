/** Where each tenant may ingest from: `tenant=s3://bucket/prefix` entries (SLUICE_TENANT_SOURCES). */
export type TenantSources = ReadonlyMap<string, readonly { bucket: string; prefix: string }[]>;

/** Parses the setting; a malformed entry stops start-up with a message naming it. Empty: no restriction. */
export function parseTenantSources(raw: string): TenantSources {
  const map = new Map<string, { bucket: string; prefix: string }[]>();
  for (const entry of raw
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const m = /^([a-z0-9][a-z0-9_-]{0,62})=s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(entry);
    if (!m)
      throw new Error(
        `SLUICE_TENANT_SOURCES (tenants.sources): expected tenant=s3://bucket/prefix entries, got ${JSON.stringify(entry)}`,
      );
    const list = map.get(m[1] as string) ?? [];
    list.push({ bucket: m[2] as string, prefix: m[3] ?? '' });
    map.set(m[1] as string, list);
  }
  return map;
}

/** Why this tenant may not ingest this object, or undefined when it may. */
export function sourceRefusal(sources: TenantSources, tenant: string, bucket: string, key: string): string | undefined {
  if (sources.size === 0) return undefined;
  const allowed = sources.get(tenant) ?? [];
  if (allowed.some((s) => s.bucket === bucket && key.startsWith(s.prefix))) return undefined;
  const list = allowed.map((s) => `s3://${s.bucket}/${s.prefix}`).join(', ');
  return `tenant ${tenant} may not ingest s3://${bucket}/${key}: ${list ? `its sources are ${list}` : 'it has no sources'} (SLUICE_TENANT_SOURCES)`;
}
