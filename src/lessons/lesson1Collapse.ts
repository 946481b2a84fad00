import type { FieldResult } from '../contracts/tables.ts';
import { iaRatio } from '../analysis/collapseVerdict.ts';
import { decadeLabel } from '../contracts/numberFormat.ts';
import { COLLAPSED_SOURCE, HEALTHY_SOURCE } from '../examples/exampleTables.ts';
import { collapseFacts, dimensionsUsed, smallestValue, valuesAboveTenth, type CollapseFacts, type FieldPair } from './collapseFacts.ts';
import type { Lesson, LessonStep } from './lessonTypes.ts';

const two = (x: number) => x.toFixed(2);
const card = (source: string) => `[data-testid="table-card"][data-source="${source}"]`;
const ia = (f: FieldResult) => `IA ${two(f.information_abundance)}`;

function pair(f: CollapseFacts, name: string): FieldPair {
  return f.pairs.find((p) => p.name === name) ?? f.largestDrop;
}

function steps(f: CollapseFacts): LessonStep[] {
  const K = f.dim;
  const item = pair(f, 'item_id');
  const user = pair(f, 'user_id');
  const small = f.pairs.filter((p) => p.collapsed.rows < p.collapsed.dim).map((p) => `${p.name} (${p.collapsed.rows} rows)`);
  const userLow = smallestValue(user.collapsed);
  const healthyLow = smallestValue(user.healthy);
  const decades = Math.round(-Math.log10(Math.max(userLow.value, 1e-12)));
  return [
    {
      title: 'Embeddings can quietly stop using their dimensions',
      text:
        'A recommendation model turns each categorical feature (a "field": user id, item id, city…) into a table of K-dimensional vectors, one row per value. ' +
        'Pan et al. (KDD 2024) and Guo et al. (ICML 2024) found that in trained ads and CTR models many of these tables spread their rows over only a few of the K directions: dimensional collapse. ' +
        'The extra dimensions then cost memory but add no capacity, which is one reason bigger embeddings stop helping. ' +
        `Two tables are loaded, both with the same ${f.pairs.length} fields and K = ${K}: "${HEALTHY_SOURCE}" and "${COLLAPSED_SOURCE}". ` +
        'They are synthetic, generated in this tab, and analysed by exactly the code that analyses an uploaded file.',
      preset: { view: 'collapse', sort: 'cardinality' },
      chart: { selector: '.cards', name: 'the two table cards' },
      lookFor: `The verdict line at the top of each card: ${f.collapsedCount.healthy} of ${f.pairs.length} fields of the healthy table and ${f.collapsedCount.collapsed} of ${f.pairs.length} of the collapsed one are below IA/K ${f.threshold}.`,
    },
    {
      title: 'Read the singular spectrum heatmap',
      text:
        'For each field, take its rows, scale every row to length 1, and compute the singular values s₁ ≥ s₂ ≥ … of that matrix: how much the rows spread along each of the K directions. ' +
        'Divided by the largest, they make one row of the heatmap, from white (0) to deep red (1). ' +
        'A field that uses all K directions stays red across its row; a collapsed field is red only at the left. ' +
        `In the collapsed table, ${f.worst.name} keeps only ${valuesAboveTenth(f.worst)} of its ${K} singular values above a tenth of the largest; in the healthy table the same field keeps ${valuesAboveTenth(pair(f, f.worst.name).healthy)}.`,
      preset: { view: 'collapse', sort: 'cardinality' },
      chart: { selector: `${card(COLLAPSED_SOURCE)} [data-testid="spectrum-heatmap"]`, name: "the collapsed table's spectrum heatmap" },
      lookFor: `Rows are sorted by the field's number of rows, smallest at the top. The big fields at the bottom (${item.name}, ${user.name}) fade to white after a few columns here, while in the healthy table's heatmap they stay red to column ${K}.`,
    },
    {
      title: 'One number per field: information abundance',
      text:
        'Information abundance (IA) adds up the heatmap row: IA = Σ sᵢ / s₁. ' +
        `It is ${K} when every direction is used equally and 1 when all rows lie on one line, so it reads as "how many dimensions' worth of spread". ` +
        `The collapsed table's ${item.name} has ${ia(item.collapsed)}: it uses about ${dimensionsUsed(item.collapsed)} of its ${K} dimensions. ` +
        `The healthy table's ${item.name} has ${ia(item.healthy)}, about ${dimensionsUsed(item.healthy)} of ${K}.`,
      preset: { view: 'collapse', sort: 'ia' },
      chart: { selector: `${card(COLLAPSED_SOURCE)} [data-testid="ia-bars"]`, name: "the collapsed table's IA bars" },
      lookFor:
        `Bars are now ordered by IA, lowest first. Among fields with at least K rows the lowest is ${f.worst.name} (${ia(f.worst)}, IA/K ${two(iaRatio(f.worst))}). Red bars are below IA/K ${f.threshold}. ` +
        (small.length > 0 ? `Grey bars (${small.join(', ')}) have fewer rows than K, so their IA cannot exceed their row count whatever training did.` : ''),
    },
    {
      title: 'Spectrum curves: how fast the values fall',
      text:
        'A log scale shows what the heatmap cannot: the small singular values. ' +
        `The healthy ${user.name}'s values are still ${two(healthyLow.value)} of the largest at index ${healthyLow.index}; ` +
        `the collapsed ${user.name}'s fall to ${userLow.value.toPrecision(2)} at index ${userLow.index}, about ${decades} order${decades === 1 ? '' : 's'} of magnitude (${decadeLabel(10 ** -decades)}) below the first.`,
      preset: { view: 'collapse' },
      action: { id: 'curves-user-id', label: `Show ${user.name} of both tables` },
      chart: { selector: '[data-testid="spectrum-curves"]', name: 'the spectrum curves' },
      lookFor:
        'Solid lines belong to the first table, dashed lines to the second. A line that drops steeply within the first few indices is a collapsed field; a flat line is a healthy one.',
    },
    {
      title: 'Compare the tables field by field',
      text:
        'IA/K (IA divided by the dimension) puts tables with different K on one scale from 0 to 1. ' +
        `Here the largest drop is ${f.largestDrop.name}: IA/K ${two(iaRatio(f.largestDrop.healthy))} in the healthy table, ${two(iaRatio(f.largestDrop.collapsed))} in the collapsed one. ` +
        'In these synthetic tables the collapse was made stronger the larger the field; with two checkpoints of your own model (early and late, or small and large), this chart shows where collapse actually happened.',
      preset: { view: 'collapse' },
      chart: { selector: '[data-testid="ia-comparison"]', name: 'the IA/K comparison' },
      lookFor: `Pairs of bars per field, one colour per table. The fields with many rows (${item.name}, ${user.name}) show the widest gap.`,
    },
    {
      title: 'Now look at your own table',
      text:
        "Drop an .npy, .npz, .safetensors or Embedding Projector TSV of your model's embeddings (a concatenated table works too: give its field sizes). " +
        'The file is read by a Web Worker in this tab; nothing is uploaded. ' +
        'The new card gets the same heatmap and IA bars, and the comparison lines it up against the examples by field name.',
      preset: { view: 'collapse' },
      chart: { selector: '.drop-zone', name: 'the drop zone' },
      lookFor: 'After the analysis: which fields are red in the IA bars, and do they have many rows?',
    },
  ];
}

export const lesson1: Lesson = {
  id: 1,
  title: 'What dimensional collapse looks like',
  summary: 'A healthy and a collapsed embedding table side by side: spectrum heatmap, information abundance, spectrum curves.',
  steps(tables) {
    const facts = collapseFacts(tables);
    if (!facts) {
      return {
        missing: 'This lesson reads the two built-in example tables, and at least one of them is not loaded.',
        action: { id: 'load-examples', label: 'Load the examples' },
      };
    }
    return steps(facts);
  },
};
