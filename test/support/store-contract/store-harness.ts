// What a store implementation hands the contract suite. The implementation's test file gives each
// test a fresh, empty database (beforeEach) and closes what was opened (afterEach).
import type { Store } from '../../../src/core/ports.js';

export interface StoreHarness {
  /** A store on this test's database; a second call opens a second, independent connection to it, as another replica would. */
  open(): Promise<Store>;
  /** Runs one SQL statement straight on this test's database, past the store: to prove the database itself refuses. */
  exec(sql: string): Promise<void>;
}
