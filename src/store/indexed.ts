import type { SharedStore } from './types.js';

/**
 * Deletes every key an index set lists (`keyOf` turns a member into its key), then the index
 * itself; answers how many of those keys were still there (an erasure's count).
 */
export async function deleteIndexed(
  store: SharedStore,
  indexKey: string,
  keyOf: (member: string) => string = (member) => member,
): Promise<number> {
  let live = 0;
  for (const member of await store.setMembers(indexKey)) {
    const key = keyOf(member);
    if ((await store.get(key)) !== undefined) live++;
    await store.delete(key);
  }
  await store.delete(indexKey);
  return live;
}
