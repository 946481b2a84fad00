/** Why a file could not be imported. Every code has a message naming the problem and a fix. */
export type ImportErrorCode =
  | 'unsupported-format'
  | 'unsupported-dtype'
  | 'truncated'
  | 'bad-header'
  | 'shape-mismatch'
  | 'not-2d'
  | 'non-numeric'
  | 'ragged-row'
  | 'field-dims-mismatch'
  | 'bad-field-dims'
  | 'empty'
  | 'no-finite-rows'
  | 'too-large'
  | 'no-tensor-selected'
  | 'read-failed';

/** An error as it crosses a worker boundary: plain fields that survive structured clone. */
export interface SerializedImportError {
  code: ImportErrorCode | 'cancelled' | 'internal';
  message: string;
  fix: string;
}
