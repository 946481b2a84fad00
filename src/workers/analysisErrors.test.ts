import { describe, expect, it } from 'vitest';
import { isAbortError } from '../data/abort.ts';
import { ImportError } from '../data/importError.ts';
import { fromSerializedError, toSerializedError } from './analysisErrors.ts';

describe('analysis errors', () => {
  it('maps errors to the protocol: ImportError as is, anything else as internal with a fix', () => {
    expect(toSerializedError(new ImportError('empty', 'm', 'f'))).toEqual({ code: 'empty', message: 'm', fix: 'f' });
    const internal = toSerializedError(new TypeError('boom'));
    expect(internal.code).toBe('internal');
    expect(internal.message).toContain('boom');
    expect(internal.fix).toBeTruthy();
    expect(toSerializedError(new DOMException('Cancelled', 'AbortError')).code).toBe('cancelled');
  });

  it('rebuilds what a helper posted: ImportError, cancellation, internal error', () => {
    const back = fromSerializedError(toSerializedError(new ImportError('truncated', 'cut', 'fix it')));
    expect(back).toBeInstanceOf(ImportError);
    expect(back).toMatchObject({ code: 'truncated', message: 'cut', fix: 'fix it' });
    expect(isAbortError(fromSerializedError(toSerializedError(new DOMException('x', 'AbortError'))))).toBe(true);
    const internal = fromSerializedError(toSerializedError(new TypeError('boom')));
    expect(internal).not.toBeInstanceOf(ImportError);
    expect(toSerializedError(internal)).toEqual(toSerializedError(new TypeError('boom')));
  });
});
