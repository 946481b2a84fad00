import type { ImportErrorCode, SerializedImportError } from '../contracts/errors.ts';

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
