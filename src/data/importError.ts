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

export class ImportError extends Error {
  readonly code: ImportErrorCode;
  /** What the user can do about it, one sentence. */
  readonly fix: string;

  constructor(code: ImportErrorCode, message: string, fix: string) {
    super(message);
    this.name = 'ImportError';
    this.code = code;
    this.fix = fix;
  }

  /** Plain object that survives postMessage / structured clone. */
  toJSON(): SerializedImportError {
    return { code: this.code, message: this.message, fix: this.fix };
  }
}

export interface SerializedImportError {
  code: ImportErrorCode | 'cancelled' | 'internal';
  message: string;
  fix: string;
}
