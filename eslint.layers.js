/**
 * Layers the build enforces: data flows one way, views -> state -> workers -> models / engine ->
 * analysis -> data, with shared contracts under all of them and charts as pure marks beside the
 * views. Each folder lists the folders it must not import; where a type is all that crosses
 * (erased at build time, so no code and no tfjs comes with it), `types` allows `import type`.
 * test/layers.test.ts lints a deliberately wrong import across every boundary.
 */
const folders = ['contracts', 'data', 'analysis', 'examples', 'engine', 'models', 'workers', 'state', 'lessons', 'charts', 'export', 'components', 'cli'];

/** folder -> what it may import at run time, and what only as types. */
export const LAYERS = {
  contracts: { imports: [], types: [] },
  data: { imports: ['contracts'], types: [] },
  analysis: { imports: ['contracts', 'data'], types: [] },
  examples: { imports: ['contracts', 'data', 'analysis'], types: [] },
  engine: { imports: ['contracts', 'data', 'analysis', 'models'], types: [] },
  models: { imports: ['contracts', 'data', 'analysis', 'engine'], types: [] },
  workers: { imports: ['contracts', 'data', 'analysis', 'examples', 'engine', 'models'], types: [] },
  state: { imports: ['contracts', 'data', 'analysis', 'examples', 'workers'], types: ['models', 'engine'] },
  lessons: { imports: ['contracts', 'data', 'analysis', 'examples', 'state'], types: ['workers', 'models'] },
  // Charts are marks over plain data; analysis's pure transforms (no state, no tfjs) are theirs to use.
  charts: { imports: ['contracts', 'analysis'], types: ['data'] },
  export: { imports: ['contracts', 'charts'], types: ['data', 'analysis'] },
  components: { imports: ['contracts', 'data', 'analysis', 'state', 'lessons', 'charts', 'export'], types: ['workers', 'models', 'examples', 'engine'] },
  cli: { imports: ['contracts', 'data', 'analysis', 'examples', 'engine', 'models', 'workers'], types: [] },
};

/** Product code never reaches into test support, benchmarks, experiments, build plugins or scripts. */
const NON_PRODUCT = ['test', 'bench', 'experiments', 'build', 'scripts', 'fuzz', 'e2e'];

/** tfjs runs in workers only: the main thread never loads it. */
const TFJS_FOLDERS = ['engine', 'models', 'workers', 'cli'];

const patternFor = (folder) => [`**/${folder}/**`, `./${folder}/**`];

export function layerRules() {
  return Object.entries(LAYERS).map(([folder, { imports, types }]) => {
    const forbidden = folders.filter((f) => f !== folder && !imports.includes(f));
    const patterns = forbidden.map((f) => ({
      group: patternFor(f),
      message: `${folder}/ must not import ${f}/ (layers: views -> state -> workers -> models/engine -> analysis -> data; see eslint.layers.js).`,
      allowTypeImports: types.includes(f),
    }));
    patterns.push({
      group: NON_PRODUCT.map((f) => `**/${f}/**`),
      message: `src/ is product code: ${folder}/ must not import ${NON_PRODUCT.join(', ')} (only *.test.ts files may).`,
      allowTypeImports: false,
    });
    if (!TFJS_FOLDERS.includes(folder))
      patterns.push({ group: ['@tensorflow/*'], message: `tfjs runs in workers only, never in ${folder}/ (the main thread).`, allowTypeImports: false });
    return {
      files: [`src/${folder}/**/*.{ts,tsx}`],
      ignores: ['**/*.test.ts', '**/*.test.tsx'],
      rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns }] },
    };
  });
}
