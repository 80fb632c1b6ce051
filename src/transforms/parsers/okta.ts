import { jsonLinesParser, pick, str } from './json-line';

/** Okta System Log events (the /api/v1/logs LogEvent objects, one per line). */
export const oktaParser = jsonLinesParser({
  logType: 'okta',
  title: 'Okta System Log JSON',
  eventTimeFields: ['published'],
  fields(r) {
    return {
      src_ip: str(pick(r, 'client.ipAddress')),
      user: str(pick(r, 'actor.alternateId')),
      action: str(r.eventType),
      outcome: str(pick(r, 'outcome.result')),
      ocsf_class: 'Authentication',
      ocsf_class_uid: 3002,
    };
  },
});
