import { isAbortError } from '../data/abort.ts';
import { ImportError } from '../data/importError.ts';
import type { SerializedImportError } from '../contracts/errors.ts';

export const CANCELLED: SerializedImportError = { code: 'cancelled', message: 'Analysis cancelled', fix: '' };

/** Every failure as the protocol's plain error object. */
export function toSerializedError(err: unknown): SerializedImportError {
  if (isAbortError(err)) return CANCELLED;
  if (err instanceof ImportError) return err.toJSON();
  const message = err instanceof Error ? err.message : String(err);
  return {
    code: 'internal',
    message: `Internal error: ${message}`,
    fix: 'This is a bug in RecLens, not in your file: reload the page and try again, and report it with the file format if it persists.',
  };
}

/** The error a helper worker posted, thrown again on this side as what it was. */
export function fromSerializedError(error: SerializedImportError): Error {
  if (error.code === 'cancelled') return new DOMException('Cancelled', 'AbortError');
  if (error.code === 'internal') return new Error(error.message.replace(/^Internal error: /, ''));
  return new ImportError(error.code, error.message, error.fix);
}
