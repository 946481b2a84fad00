/**
 * The last trained model's embedding tables out of the training worker: downloaded (.npy,
 * field_dims.json, .safetensors), or analysed by the analysis worker and opened in the Collapse
 * view, one table per embedding set.
 */
import type { AnalysisClient } from '../workers/analysisProtocol.ts';
import type { ExportedTables, TrainingClient } from '../workers/trainingProtocol.ts';
import type { StudioStore } from './studioStore.ts';

export interface TrainedTables {
  exportTables(): Promise<ExportedTables | null>;
  openInCollapseView(): Promise<void>;
}

export interface TrainedTablesDeps {
  client: TrainingClient;
  store: StudioStore;
  analysis: () => AnalysisClient;
  download: (blob: Blob, name: string) => void;
}

export function createTrainedTables(deps: TrainedTablesDeps): TrainedTables {
  const { client } = deps;
  const state = () => deps.store.getState();
  return {
    async exportTables() {
      try {
        const exported = await client.exportTables();
        for (const f of exported.files) deps.download(new Blob([f.bytes as Uint8Array<ArrayBuffer>]), f.name);
        return exported;
      } catch (e) {
        state().pushNotice({ id: 'train-export', kind: 'warning', text: `Export failed: ${(e as Error).message}` });
        return null;
      }
    },

    async openInCollapseView() {
      let exported: ExportedTables;
      try {
        exported = await client.exportTables();
      } catch (e) {
        state().pushNotice({ id: 'train-export', kind: 'warning', text: `Nothing to open: ${(e as Error).message}` });
        return;
      }
      const st = exported.files.find((f) => f.name.endsWith('.safetensors'))!;
      const file = new File([st.bytes as Uint8Array<ArrayBuffer>], st.name);
      const analysis = deps.analysis();
      const inspected = await analysis.inspect(file);
      if (!inspected.ok) {
        state().setError(inspected.error);
        return;
      }
      // One table per embedding set: tensors are "field" (one set) or "set<m>/field".
      const groups = new Map<string, string[]>();
      for (const t of inspected.tensors.filter((x) => x.analysable)) {
        const set = t.name.includes('/') ? t.name.split('/')[0] : 'set0';
        groups.set(set, [...(groups.get(set) ?? []), t.name]);
      }
      for (const [set, tensors] of groups) {
        const outcome = await analysis.analyze(file, { tensors, mode: 'recscope' }, () => {});
        if (!outcome.ok) {
          state().setError(outcome.error);
          return;
        }
        const source = groups.size > 1 ? `${st.name} (${set})` : st.name;
        state().addTable({
          source,
          format: inspected.format,
          bytes: inspected.bytes,
          tensors: inspected.tensors.filter((t) => tensors.includes(t.name)),
          result: { ...outcome.result, source },
          elapsedMs: outcome.elapsedMs,
          origin: 'file',
          gramEngine: outcome.gramEngine,
        });
      }
      state().setUi({ view: 'collapse' });
    },
  };
}
