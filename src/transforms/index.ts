export { type Envelope, type NormalizeInput, normalize, rowId, type SourceRef } from './envelope';
export { eventTimeOf, parseEventTime } from './event-time';
export { type ExtractOptions, extractIndicators, type Indicators } from './indicators';
export { normalizeIpv4, normalizeIpv6 } from './ip-address';
export {
  AUTO_LOG_TYPE,
  createReader,
  getParser,
  knownLogTypes,
  type LineReader,
  type NormalizedFields,
  type ParseResult,
  type Parser,
  parseJsonObjectLine,
} from './parsers';
export { decodeUtf8Strict } from './utf8';
