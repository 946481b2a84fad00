import type { StudioStore } from './studioStore.ts';

/** The built-in examples the user removed, by source name, kept across reloads. */
const KEY = 'reclens.removedExamples';
/** More names than there are examples means the value is not ours. */
const MAX_NAMES = 64;

export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** The page's localStorage, or null where it is unavailable (private modes, a sandboxed frame). */
export function browserStorage(): KeyValueStorage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

/** The removed examples' sources; empty when nothing is stored or the value is unreadable. */
export function readRemovedExamples(storage: KeyValueStorage | null = browserStorage()): Set<string> {
  try {
    const value: unknown = JSON.parse(storage?.getItem(KEY) ?? '[]');
    if (Array.isArray(value) && value.length <= MAX_NAMES && value.every((v) => typeof v === 'string')) return new Set(value);
  } catch {
    // Unreadable: as if nothing were removed.
  }
  return new Set();
}

function write(storage: KeyValueStorage | null, removed: Set<string>): void {
  try {
    storage?.setItem(KEY, JSON.stringify([...removed]));
  } catch {
    // A full or blocked storage: the examples simply come back on reload.
  }
}

/**
 * Follows the example cards: one the user removes is remembered (loadExamples then leaves it out
 * after a reload), one added again (a lesson loads the examples) is forgotten. Returns a stop function.
 */
export function trackRemovedExamples(store: StudioStore, storage: KeyValueStorage | null = browserStorage()): () => void {
  const sources = (tables: ReturnType<StudioStore['getState']>['tables']) => new Set(tables.filter((t) => t.origin === 'example').map((t) => t.source));
  return store.subscribe((s, prev) => {
    if (s.tables === prev.tables) return;
    const now = sources(s.tables);
    const before = sources(prev.tables);
    const removed = readRemovedExamples(storage);
    let changed = false;
    for (const source of before) {
      if (now.has(source) || removed.has(source)) continue;
      removed.add(source);
      changed = true;
    }
    for (const source of now) if (!before.has(source) && removed.delete(source)) changed = true;
    if (changed) write(storage, removed);
  });
}
