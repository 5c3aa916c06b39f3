/** One forward-only step of the schema. `version` is what `PRAGMA user_version` holds once it is applied. */
export interface SchemaMigration {
  version: number;
  name: string;
  sql: string;
}
