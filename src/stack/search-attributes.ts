import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';
import { SEARCH_ATTRIBUTE_TYPES } from '../contracts/search-attributes';

/**
 * Sluice's search attributes in the form `operatorService.addSearchAttributes` takes, limited to `names` when
 * given. The dev server registers `--search-attribute` flags only when it creates its database, so a state dir made
 * by an older Sluice needs the ones added since registered this way (and so does the time-skipping test server).
 */
export function searchAttributeRegistrations(names: readonly string[] = Object.keys(SEARCH_ATTRIBUTE_TYPES)) {
  return Object.fromEntries(
    names.map((name) => {
      const type = SEARCH_ATTRIBUTE_TYPES[name];
      const encoded =
        type &&
        encodeSearchAttributeIndexedValueType(
          ({ Keyword: 'KEYWORD', Datetime: 'DATETIME', Int: 'INT' } as const)[type],
        );
      if (encoded === undefined) throw new Error(`no indexed value type for search attribute ${name} (${type})`);
      return [name, encoded];
    }),
  );
}
