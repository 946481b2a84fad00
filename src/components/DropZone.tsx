import { useState, type DragEvent } from 'react';
import { useStudioStore } from '../state/studioStore.ts';
import { useController } from './controllerContext.ts';

export const ACCEPTED = '.npy,.npz,.safetensors,.pt,.pth,.ckpt,.onnx,.h5,.hdf5,.keras,.parquet,.index,.data-00000-of-00001,.tsv,.csv,.txt,.vec,.bin,.json';

/** Drag-and-drop target plus a "Choose file" button for the embedding table. */
export function DropZone() {
  const controller = useController();
  const busy = useStudioStore((s) => s.flow.phase === 'analysing');
  const inspecting = useStudioStore((s) => s.flow.phase === 'inspecting');
  const [over, setOver] = useState(false);

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    e.stopPropagation();
    setOver(false);
    const [file, ...others] = Array.from(e.dataTransfer.files);
    if (file && !busy) void controller.pickFile(file, others);
  };

  return (
    <div
      className={`drop-zone ${over ? 'over' : ''} ${busy ? 'disabled' : ''}`}
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
    >
      <div className="drop-icon" aria-hidden="true">
        ⇪
      </div>
      <p className="drop-title">{inspecting ? 'Reading header…' : 'Drop an embedding table here'}</p>
      {inspecting && (
        <button type="button" className="secondary" data-testid="cancel-inspect-button" onClick={() => controller.cancel()}>
          Cancel
        </button>
      )}
      <p className="hint">
        .npy · .npz · .safetensors · PyTorch .pt / .pth · ONNX · Keras .h5 / .keras · Parquet · TensorFlow .index with its .data files · TSV / CSV (Embedding
        Projector) · word2vec / fastText (.txt, .vec, .bin) · a table’s shards together · partial Grams (.json, from reclens gram)
      </p>
      <label className="button primary">
        Choose file…
        <input
          type="file"
          data-testid="file-input"
          accept={ACCEPTED}
          multiple
          disabled={busy}
          className="visually-hidden"
          onChange={(e) => {
            const [file, ...others] = Array.from(e.target.files ?? []);
            e.target.value = ''; // picking the same file again still fires
            if (file) void controller.pickFile(file, others);
          }}
        />
      </label>
    </div>
  );
}
