import type { Kind, Setting } from './settings';

/**
 * The resolved configuration's type, inferred from the settings table: a setting's dotted key is its path, its
 * kind (or its `oneOf` values) its type. A settings array typed only `readonly Setting[]` has keys of type string
 * and contributes nothing here: declare such arrays `as const satisfies readonly Setting[]`.
 */
export type ConfigOf<S extends readonly Setting[]> = Pretty<UnionToIntersection<EntryOf<S[number]>>>;

type ValueOf<S> = S extends { oneOf: readonly (infer O)[] }
  ? O
  : S extends { kind: infer K extends Kind }
    ? K extends 'port' | 'int' | 'number' | 'bytes' | 'duration'
      ? number
      : K extends 'bool'
        ? boolean
        : K extends 'list'
          ? string[]
          : string
    : never;

/** `a.b.c` → { a: { b: { c: V } } }; distributes over a union of keys. */
type Nest<Key extends string, V> = Key extends `${infer Head}.${infer Rest}`
  ? { [P in Head]: Nest<Rest, V> }
  : { [P in Key]: V };

type EntryOf<S> = S extends { key: infer K extends string } ? (string extends K ? never : Nest<K, ValueOf<S>>) : never;

type UnionToIntersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;

/** Merges the intersections level by level, so editors show plain nested objects. */
type Pretty<T> = T extends readonly unknown[] ? T : T extends object ? { [K in keyof T]: Pretty<T[K]> } : T;
