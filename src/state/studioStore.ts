import { create } from 'zustand';
import type { SerializedImportError } from '../contracts/errors.ts';
import type { AnalysisProgress, AnalysisResult, LoadedTable, SpectrumMode } from '../contracts/tables.ts';
import type { InspectOk } from '../workers/analysisProtocol.ts';
import type { BackendState } from '../contracts/backend.ts';
import { createMultitaskSlice, type MultitaskSlice } from './multitaskSlice.ts';
import { createSequenceSlice, type SequenceSlice } from './sequenceSlice.ts';
import { createTrainingSlice, type TrainingSlice } from './trainingSlice.ts';
import { initialUi, type Notice, type UiState } from './uiState.ts';
import { DEFAULT_MAX_DIM } from '../analysis/dimensionLimit.ts';
import type { CheckpointLayout } from '../data/checkpointLayout.ts';

/** One analysed table shown as a card. Built-in examples are tables too, flagged by origin. */
export type ImportPhase = 'idle' | 'inspecting' | 'choosing' | 'analysing';

export interface ImportFlow {
  phase: ImportPhase;
  file: File | null;
  /** Optional projector metadata TSV passed to the worker with the table. */
  metadata: File | null;
  /** Files picked or dropped with `file`: a TensorFlow checkpoint's .data shards. */
  companions: File[];
  inspected: InspectOk | null;
  tensorChoice: string[];
  /** What the file's tensors are (embedding tables, sets, layers, optimizer state), read when it was inspected. */
  layout: CheckpointLayout | null;
  fieldDimsText: string;
  /** Field names and provenance of sizes loaded from a file (FuxiCTR's feature_map.json, a log); cleared when the text is edited. */
  fieldSizes: { names?: string[]; from: string } | null;
  mode: SpectrumMode;
  /** Widest table analysed; raised in the dialog when a ticked tensor is wider. */
  maxDim: number;
  progress: AnalysisProgress | null;
}

export type FieldSort = 'cardinality' | 'ia';

export interface StudioState extends TrainingSlice, MultitaskSlice, SequenceSlice {
  tables: LoadedTable[];
  flow: ImportFlow;
  lastError: SerializedImportError | null;
  backend: BackendState | null;
  backendBusy: boolean;
  /** Curves drawn in the spectrum-curves panel, as curveKey(tableId, field). */
  curveSelection: string[];
  sort: FieldSort;
  /** View preferences mirrored in the URL (see studioUrl.ts). */
  ui: UiState;
  notices: Notice[];
  /** The card an import just added, to bring into view once (below the examples it lands off screen). */
  revealTable: string | null;

  addTable(table: Omit<LoadedTable, 'id'>): string;
  removeTable(id: string): void;
  setFlow(patch: Partial<ImportFlow>): void;
  resetFlow(): void;
  setError(error: SerializedImportError | null): void;
  setRevealTable(id: string | null): void;
  setBackend(state: BackendState | null, busy?: boolean): void;
  setBackendBusy(busy: boolean): void;
  toggleCurve(key: string): void;
  setCurveSelection(keys: string[]): void;
  setSort(sort: FieldSort): void;
  setUi(patch: Partial<UiState>): void;
  /** Adds a notice, replacing one with the same id. */
  pushNotice(notice: Notice): void;
  dismissNotice(id: string): void;
}

export const initialFlow: ImportFlow = {
  phase: 'idle',
  file: null,
  metadata: null,
  companions: [],
  inspected: null,
  tensorChoice: [],
  layout: null,
  fieldDimsText: '',
  fieldSizes: null,
  mode: 'recscope',
  maxDim: DEFAULT_MAX_DIM,
  progress: null,
};

export function curveKey(tableId: string, field: string): string {
  return `${tableId}/${field}`;
}

/** Default curves for a new table: its most and least collapsed fields, preferring fields with at least K rows. */
export function defaultCurvesFor(id: string, result: AnalysisResult): string[] {
  const full = result.fields.filter((f) => f.rows >= f.dim);
  const pool = full.length > 0 ? full : result.fields;
  if (pool.length === 0) return [];
  const byIA = [...pool].sort((a, b) => a.information_abundance / a.dim - b.information_abundance / b.dim);
  const picks = new Set([byIA[0].name, byIA[byIA.length - 1].name]);
  return [...picks].map((f) => curveKey(id, f));
}

let nextId = 1;

export const createStudioStore = () =>
  create<StudioState>()((set) => ({
    ...createTrainingSlice(set),
    ...createMultitaskSlice(set),
    ...createSequenceSlice(set),
    tables: [],
    flow: initialFlow,
    lastError: null,
    backend: null,
    backendBusy: false,
    curveSelection: [],
    sort: 'cardinality',
    ui: initialUi,
    notices: [],
    revealTable: null,

    addTable(table) {
      const id = `t${nextId++}`;
      // The built-in examples stay at the top even when they arrive after restored uploads.
      const at = (tables: LoadedTable[]) => (table.origin === 'example' ? tables.filter((t) => t.origin === 'example').length : tables.length);
      set((s) => ({
        tables: [...s.tables.slice(0, at(s.tables)), { ...table, id }, ...s.tables.slice(at(s.tables))],
        curveSelection: [...s.curveSelection, ...defaultCurvesFor(id, table.result)],
      }));
      return id;
    },
    removeTable(id) {
      set((s) => ({
        tables: s.tables.filter((t) => t.id !== id),
        curveSelection: s.curveSelection.filter((k) => !k.startsWith(`${id}/`)),
      }));
    },
    setFlow(patch) {
      set((s) => ({ flow: { ...s.flow, ...patch } }));
    },
    resetFlow() {
      // The mode is a preference: keep it across imports.
      set((s) => ({ flow: { ...initialFlow, mode: s.flow.mode } }));
    },
    setRevealTable(id) {
      set({ revealTable: id });
    },
    setError(error) {
      set({ lastError: error });
    },
    setBackend(state, busy = false) {
      set({ backend: state, backendBusy: busy });
    },
    setBackendBusy(busy) {
      set({ backendBusy: busy });
    },
    toggleCurve(key) {
      set((s) => ({
        curveSelection: s.curveSelection.includes(key) ? s.curveSelection.filter((k) => k !== key) : [...s.curveSelection, key],
      }));
    },
    setCurveSelection(keys) {
      set({ curveSelection: keys });
    },
    setSort(sort) {
      set({ sort });
    },
    setUi(patch) {
      set((s) => ({ ui: { ...s.ui, ...patch } }));
    },
    pushNotice(notice) {
      set((s) => ({ notices: [...s.notices.filter((n) => n.id !== notice.id), notice] }));
    },
    dismissNotice(id) {
      set((s) => ({ notices: s.notices.filter((n) => n.id !== id) }));
    },
  }));

/** The studio's one store. */
export const useStudioStore = createStudioStore();
export type StudioStore = typeof useStudioStore;
