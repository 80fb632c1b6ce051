import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Custom search attributes: how operators find files in the Temporal Web UI and with `temporal workflow list`.
 * Registered by the local stack at server start (and documented for production namespaces).
 */
export const PipelineStatus = defineSearchAttributeKey('PipelineStatus', SearchAttributeType.KEYWORD);
export const Tenant = defineSearchAttributeKey('Tenant', SearchAttributeType.KEYWORD);
export const SourceKey = defineSearchAttributeKey('SourceKey', SearchAttributeType.KEYWORD);
export const FailedStage = defineSearchAttributeKey('FailedStage', SearchAttributeType.KEYWORD);
export const LogType = defineSearchAttributeKey('LogType', SearchAttributeType.KEYWORD);
export const AwaitingDecisionSince = defineSearchAttributeKey('AwaitingDecisionSince', SearchAttributeType.DATETIME);
/** Records of the file quarantined (at parse or rejected by a sink), set when it ends: filterable in the Web UI. */
export const QuarantinedRecords = defineSearchAttributeKey('QuarantinedRecords', SearchAttributeType.INT);

/** name → the type name `temporal server start-dev --search-attribute` and `temporal operator` take. */
export const SEARCH_ATTRIBUTE_TYPES: Record<string, 'Keyword' | 'Datetime' | 'Int'> = {
  PipelineStatus: 'Keyword',
  Tenant: 'Keyword',
  SourceKey: 'Keyword',
  FailedStage: 'Keyword',
  LogType: 'Keyword',
  AwaitingDecisionSince: 'Datetime',
  QuarantinedRecords: 'Int',
};
