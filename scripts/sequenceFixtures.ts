/**
 * Writes the behaviour-sequence fixtures under test/sequence-data/ (fixed seeds, byte-identical on
 * every run); scripts/sequenceMiReference.py then computes their ground-truth MI in float64.
 *   npx tsx scripts/sequenceFixtures.ts && /usr/bin/python3 scripts/sequenceMiReference.py
 * - synthetic_small.csv: the synthetic generator, small, as the sequence-sample CSV;
 * - edge_cases.csv: hand-made rows for the MI formula's edge cases (a target category with only
 *   positives, a behaviour every positive has, tied target counts, empty histories);
 * - taobao_user_behavior_sample.csv: lines in Taobao's UserBehavior.csv format (user,item,category,
 *   behavior,timestamp; no header): three users with >= 210 page views (one with its lines out of
 *   time order and a tie), two with fewer, and buy/cart/fav lines the protocol drops.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRng } from '../src/data/ctr/prng.ts';
import { syntheticSequenceCsv } from '../src/data/sequence/syntheticSequenceCsv.ts';
import { generateSyntheticSequences } from '../src/data/sequence/syntheticSequences.ts';

const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', 'test', 'sequence-data');
mkdirSync(OUT, { recursive: true });

export const SMALL_CONFIG = { seed: 5, users: 150, categories: 12, itemsPerCategory: 10, targetsPerUser: 8, targetStride: 3, minHistory: 15, maxHistory: 40 };
writeFileSync(join(OUT, 'synthetic_small.csv'), syntheticSequenceCsv(generateSyntheticSequences(SMALL_CONFIG)));

// Edge cases. Categories: A (3 targets: 2 positives, 1 negative), B (3 targets), C (only positives), D (1 target).
const edge = [
  'label,user,target_item,target_category,hist_items,hist_categories',
  '1,u1,a1,A,x1 x2 x3,B A A', // every A positive has A at p = 1 and p = 2
  '0,u1,a2,A,x4 x5,C B',
  '1,u2,a3,A,x6 x7 x8 x9,B C A A',
  '1,u2,b1,B,,', // an empty history
  '0,u3,b2,B,x1,B',
  '0,u3,b3,B,x2 x3 x4,A A B',
  '1,u4,c1,C,x5 x6,B C', // C: positives only -> MI 0
  '1,u4,c2,C,x7,C',
  '1,u5,c3,C,x8 x9 x1 x2,A B C D',
  '0,u5,d1,D,x3,A',
];
writeFileSync(join(OUT, 'edge_cases.csv'), edge.join('\n') + '\n');

// Taobao UserBehavior.csv lines.
const rng = createRng(2025);
const lines: string[] = [];
const users = [
  { id: '1001', views: 230 },
  { id: '1002', views: 215 },
  { id: '1003', views: 210 },
  { id: '1004', views: 209 }, // one short of the protocol's 210
  { id: '1005', views: 40 },
];
for (const [u, { id, views }] of users.entries()) {
  const userLines: string[] = [];
  let t = 1511544070 + u * 1000;
  for (let k = 0; k < views; k++) {
    const category = 100 + rng.int(12);
    const item = 5000 + category * 20 + rng.int(20);
    t += 1 + rng.int(600);
    userLines.push(`${id},${item},${category},pv,${t}`);
    if (rng.next() < 0.08) userLines.push(`${id},${item},${category},${['buy', 'cart', 'fav'][rng.int(3)]},${t + 5}`);
  }
  if (id === '1002') {
    // Out of time order, and two views at the same second.
    [userLines[10], userLines[11]] = [userLines[11], userLines[10]];
    const [, item, category, , time] = userLines[20].split(',');
    userLines.splice(21, 0, `${id},${Number(item) + 1},${category},pv,${time}`);
  }
  lines.push(...userLines);
}
writeFileSync(join(OUT, 'taobao_user_behavior_sample.csv'), lines.join('\n') + '\n');
console.log(`test/sequence-data: synthetic_small.csv, edge_cases.csv, taobao_user_behavior_sample.csv (${lines.length} lines)`);
