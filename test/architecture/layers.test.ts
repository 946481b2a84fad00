/**
 * The layer rules of eslint.layers.js, shown failing: for every pair of src/ folders, a probe file
 * in one imports the other, and ESLint must report exactly the imports the layers forbid (at run
 * time, and as types where only run-time imports are forbidden). tfjs outside its folders too.
 */
import { ESLint } from 'eslint';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LAYERS } from '../../eslint.layers.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
// Probes are not on disk, so the type-aware rules (which need the file in the TS project) are off for them.
const eslint = new ESLint({
  cwd: root,
  overrideConfig: [
    {
      files: ['**/*.{ts,tsx}'],
      languageOptions: { parserOptions: { projectService: false } },
      rules: { '@typescript-eslint/no-floating-promises': 'off', '@typescript-eslint/await-thenable': 'off', '@typescript-eslint/no-misused-promises': 'off' },
    },
  ],
});

const folders = Object.keys(LAYERS);

async function restricted(file: string, code: string): Promise<boolean> {
  const [result] = await eslint.lintText(code, { filePath: resolve(root, file) });
  const fatal = result.messages.find((m) => m.fatal);
  if (fatal) throw new Error(`${file}: ${fatal.message}`);
  return result.messages.some((m) => m.ruleId === '@typescript-eslint/no-restricted-imports');
}

const runtimeImport = (to: string) => `import { probe } from '${to}';\nexport const used = probe;\n`;
const typeImport = (to: string) => `import type { Probe } from '${to}';\nexport type Used = Probe;\n`;

describe('layer boundaries (eslint.layers.js)', () => {
  it('reports every forbidden import between src/ folders, and only those', async () => {
    const wrong: string[] = [];
    for (const from of folders) {
      for (const to of folders.filter((f) => f !== from)) {
        const { imports, types } = LAYERS[from];
        const target = `../${to}/probe.ts`;
        const runtimeForbidden = !imports.includes(to);
        const typeForbidden = runtimeForbidden && !types.includes(to);
        if ((await restricted(`src/${from}/layerProbe.ts`, runtimeImport(target))) !== runtimeForbidden) wrong.push(`${from} -> ${to} (run time)`);
        if ((await restricted(`src/${from}/layerProbe.ts`, typeImport(target))) !== typeForbidden) wrong.push(`${from} -> ${to} (type)`);
      }
    }
    expect(wrong).toEqual([]);
  }, 120_000);

  it('holds in nested folders, and for the deliberately wrong imports the issue names', async () => {
    expect(await restricted('src/components/training/Probe.tsx', runtimeImport('../../workers/trainingClient.ts'))).toBe(true);
    expect(await restricted('src/charts/probe.ts', typeImport('../workers/multitaskProtocol.ts'))).toBe(true);
    expect(await restricted('src/charts/probe.ts', runtimeImport('../state/studioStore.ts'))).toBe(true);
    expect(await restricted('src/analysis/probe.ts', runtimeImport('../engine/backendGram.ts'))).toBe(true);
    expect(await restricted('src/engine/probe.ts', typeImport('../workers/analysisProtocol.ts'))).toBe(true);
    expect(await restricted('src/lessons/probe.ts', runtimeImport('../components/App.tsx'))).toBe(true);
    expect(await restricted('src/examples/probe.ts', typeImport('../state/studioStore.ts'))).toBe(true);
    expect(await restricted('src/state/runs/probe.ts', runtimeImport('../../workers/runClient.ts'))).toBe(false);
  });

  it('keeps test support, benchmarks and experiments out of product code, but not out of its tests', async () => {
    for (const from of folders) {
      expect(await restricted(`src/${from}/probe.ts`, runtimeImport('../../test/support/tinyData.ts')), from).toBe(true);
      expect(await restricted(`src/${from}/probe.ts`, typeImport('../../bench/localServer.ts')), from).toBe(true);
    }
    expect(await restricted('src/models/probe.test.ts', runtimeImport('../../test/support/tinyData.ts'))).toBe(false);
  });

  it('keeps tfjs off the main thread: only engine, models, workers and the CLI import it', async () => {
    for (const from of folders) {
      const allowed = ['engine', 'models', 'workers', 'cli'].includes(from);
      expect(await restricted(`src/${from}/probe.ts`, runtimeImport('@tensorflow/tfjs')), from).toBe(!allowed);
    }
  });
});
