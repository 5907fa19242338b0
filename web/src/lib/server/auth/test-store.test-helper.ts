import { testStoreLocation } from "@nachbarstrom/core/database/test";
import { openAccountsStore, type AccountsStore } from "./store.ts";

/**
 * A fresh accounts store with a clock the test moves: a SQLite file, or a PostgreSQL database when the
 * suite runs against one (`npm run test:postgres`).
 */
export async function testStore(start = Date.UTC(2026, 0, 1)): Promise<AccountsStore & { advance(ms: number): void }> {
  let now = start;
  const store = await openAccountsStore({ location: await testStoreLocation("accounts"), now: () => now });
  return Object.assign(store, { advance: (ms: number) => void (now += ms) });
}
