/**
 * `reclens dataset FILE [--json]`: what the Train tab would load from FILE, without training:
 * the format detected, the rows, the tasks and every field with its vocabulary size; in text form
 * also how the file was read (header or not, the label, bucketed and ignored columns).
 */
import { readFile } from 'node:fs/promises';
import type { CtrDataset, DatasetDetection } from '../data/ctr/ctrDataset.ts';
import { decodeCtrDataset } from '../data/ctr/datasetFile.ts';
import { requireCtrFormat } from '../data/ctr/detectCtrFormat.ts';
import { importCtrFile } from '../data/ctr/importCtrFile.ts';
import { DETECT_LINES } from '../data/ctr/parseCtrText.ts';
import { nodeByteSource } from '../data/nodeByteSource.ts';

export interface DatasetReport {
  format: string;
  rows: number;
  tasks: string[];
  fields: { name: string; cardinality: number }[];
  /** How a text file was read; not part of the JSON schema. */
  detection?: DatasetDetection;
  /** The split the trainer would use (80/10/10); not part of the JSON schema. */
  split: { train: number; valid: number; test: number };
}

/** Bytes read to detect the format, as the Train tab's first slice would. */
const DETECT_BYTES = 64 * 1024;

export async function datasetOfFile(path: string): Promise<DatasetReport> {
  const source = await nodeByteSource(path);
  try {
    let format: string;
    let d: CtrDataset;
    if (source.name.toLowerCase().endsWith('.rlctr')) {
      format = 'rlctr';
      d = decodeCtrDataset(new Uint8Array(await readFile(path)));
    } else {
      const head = new TextDecoder().decode(await source.read(0, Math.min(DETECT_BYTES, source.size)));
      const ctrFormat = requireCtrFormat(head.split('\n').slice(0, DETECT_LINES), source.name);
      format = ctrFormat;
      d = await importCtrFile(source, { format: ctrFormat });
    }
    return {
      format,
      rows: d.train.rows + d.valid.rows + d.test.rows,
      tasks: [...d.tasks],
      fields: d.fields.map((f) => ({ name: f.name, cardinality: f.cardinality })),
      split: { train: d.train.rows, valid: d.valid.rows, test: d.test.rows },
      ...(d.detection ? { detection: d.detection } : {}),
    };
  } finally {
    await source.close();
  }
}

/** The documented schema: { format, rows, tasks, fields: [{ name, cardinality }] }. */
export function datasetJson(r: DatasetReport): string {
  return JSON.stringify({ format: r.format, rows: r.rows, tasks: r.tasks, fields: r.fields });
}

export function formatDataset(r: DatasetReport, file: string): string {
  const lines = [`${file}: ${r.format}, ${r.rows.toLocaleString('en-US')} rows (train ${r.split.train} / valid ${r.split.valid} / test ${r.split.test})`];
  const d = r.detection;
  if (d) {
    lines.push(`layout: ${d.layout}`);
    if (!d.header && !d.headerless) lines.push('no header: line 1 is data, read with the label first');
    lines.push(`label: ${d.label}`);
    if (d.bucketed.length > 0) lines.push(`bucketed: ${d.bucketed.map((b) => `${b.name} (${b.rule})`).join(', ')}`);
    if (d.ignored.length > 0) lines.push(`not used: ${d.ignored.map((i) => `${i.name} (${i.why})`).join(', ')}`);
    if (d.allRare?.length) lines.push(`all values rare (seen < 2 times, so all OOV: the field tells rows nothing): ${d.allRare.join(', ')}`);
  }
  lines.push(`tasks: ${r.tasks.join(', ')}`, `fields (${r.fields.length}), vocabulary size with the OOV slot:`);
  const width = Math.max(...r.fields.map((f) => f.name.length));
  for (const f of r.fields) lines.push(`  ${f.name.padEnd(width)}  ${f.cardinality}`);
  return lines.join('\n') + '\n';
}
