/**
 * Train / test split of a behaviour-sequence file by user: a user's samples share most of their
 * history, so a user is in one split only. A user is a test user when the FNV-1a hash of its token
 * falls in the first `testPercent` of 100 buckets: the same on every read, whatever the row order.
 */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function isTestUser(user: string, testPercent: number): boolean {
  return fnv1a(user) % 100 < testPercent;
}
