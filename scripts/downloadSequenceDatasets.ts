/**
 * The behaviour-sequence datasets of `npm run datasets:download` (scripts/downloadDatasets.ts):
 * - `--fuxictr-taobao`: FuxiCTR's Taobao-ad samples with their `^`-separated click_sequence
 *   (reczoo/FuxiCTR data/tiny_csv, Apache 2.0), fetched from GitHub;
 * - `--taobao PATH [M]`: Taobao's UserBehavior.csv (Tianchi dataset 649, https://tianchi.aliyun.com/dataset/649;
 *   it needs a Tianchi login, so download and unzip it yourself) cut to every user whose id is a
 *   multiple of M (default 100; about 10k users and 1M lines): all of a kept user's lines stay, so
 *   DARE's protocol (>= 210 page views, 21 targets per user) reads the sample as it reads the whole
 *   file, which at 89M page views is more than a browser tab holds.
 */
import { createReadStream, createWriteStream, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { DatasetIndexEntry } from '../src/data/ctr/datasetIndex.ts';
import { nodeByteSource } from '../src/data/nodeByteSource.ts';
import { importSequenceFile } from '../src/data/sequence/importSequenceFile.ts';

const FUXICTR_RAW = 'https://raw.githubusercontent.com/reczoo/FuxiCTR/main/data/tiny_csv';

async function samplesOf(path: string): Promise<number> {
  const source = await nodeByteSource(path);
  try {
    const ds = await importSequenceFile(source);
    return ds.train.count + (ds.valid?.count ?? 0) + ds.test.count;
  } finally {
    await source.close();
  }
}

export async function downloadFuxiCtrTaobao(out: string, get: (url: string) => Promise<Response>): Promise<DatasetIndexEntry> {
  const file = 'fuxictr-taobao-tiny-train.csv';
  const url = `${FUXICTR_RAW}/train_sample.csv`;
  console.log(`fetching ${url}`);
  writeFileSync(join(out, file), new Uint8Array(await (await get(url)).arrayBuffer()));
  return {
    id: 'fuxictr-taobao-tiny',
    family: 'sequence',
    tasks: ['click'],
    name: 'FuxiCTR Taobao-ad sample (click_sequence)',
    description: "FuxiCTR's data/tiny_csv/train_sample.csv: Taobao display-ad impressions (clk) with the user's ^-separated click_sequence of adgroup ids.",
    rows: await samplesOf(join(out, file)),
    fields: 2,
    file,
    bytes: statSync(join(out, file)).size,
    format: 'ctr-sequence-csv',
  };
}

export async function sampleTaobaoUserBehavior(out: string, path: string, every: number): Promise<DatasetIndexEntry> {
  if (!Number.isInteger(every) || every < 1) throw new Error(`--taobao PATH M: M must be a whole number >= 1, got ${every}`);
  const file = `taobao-userbehavior-1in${every}.csv`;
  console.log(`sampling every user id divisible by ${every} from ${path}`);
  const write = createWriteStream(join(out, file));
  let kept = 0;
  for await (const line of createInterface({ input: createReadStream(path), crlfDelay: Infinity })) {
    const comma = line.indexOf(',');
    if (comma > 0 && Number(line.slice(0, comma)) % every === 0) {
      write.write(line + '\n');
      kept++;
    }
  }
  await new Promise<void>((resolve) => write.end(resolve));
  if (kept === 0) throw new Error(`${path}: no line has a user id divisible by ${every}; is it UserBehavior.csv (user,item,category,behavior,timestamp)?`);
  return {
    id: `taobao-userbehavior-1in${every}`,
    family: 'sequence',
    tasks: ['click'],
    name: `Taobao UserBehavior (1 user in ${every})`,
    description: `Tianchi's UserBehavior.csv, users whose id is divisible by ${every}, read by DARE's protocol: page views, users with >= 210 of them, 19 train / 1 valid / 1 test targets each, two frequency-sampled negatives per positive, history up to 200.`,
    rows: await samplesOf(join(out, file)),
    fields: 2,
    file,
    bytes: statSync(join(out, file)).size,
    format: 'taobao-user-behavior',
  };
}
