import { openAccountsStore, type AccountsStore } from "./store.ts";

/** An in-memory accounts store with a clock the test moves. */
export function testStore(start = Date.UTC(2026, 0, 1)): AccountsStore & { advance(ms: number): void } {
  let now = start;
  const store = openAccountsStore({ file: ":memory:", now: () => now });
  return Object.assign(store, { advance: (ms: number) => void (now += ms) });
}
