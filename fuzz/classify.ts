/**
 * How a thrown error is classified. A rejection is the reader's own named error with a message and
 * a fix; anything else escaping a reader is a crash, and so is a named error that only relabels an
 * internal failure (a TypeError or a stack overflow wrapped as "could not be read").
 */
import { ImportError } from '../src/data/importError.ts';
import { GENERIC } from './mutators.ts';
import type { OutcomeKind } from './types.ts';

const GENERIC_NAMES = new Set(GENERIC.map((m) => m.name));

/** Messages of JavaScript engine failures, which a reader should never pass on to the user. */
const INTERNAL_MESSAGE =
  /Maximum call stack|is not a function|is not a constructor|Cannot read propert|Cannot set propert|Cannot convert|is not iterable|is not defined|Invalid (typed )?array length|Array buffer allocation failed|Invalid string length|out of memory|WebAssembly|unexpected failure|offset is out of bounds|Offset is outside the bounds/i;

export interface ErrorClass {
  kind: Extract<OutcomeKind, 'rejected' | 'crash'>;
  detail: string;
}

/**
 * `isRejection` says which error classes are the target's own (ImportError for readers; the
 * workspace parser's WorkspaceFileError). An ImportError that wraps an unexpected exception as a
 * failed read is a crash: the fuzzer's bytes are in memory, so reading them cannot fail.
 */
export function classifyError(error: unknown, isRejection: (error: unknown) => boolean = (e) => e instanceof ImportError): ErrorClass {
  const name = error instanceof Error ? error.name : typeof error;
  const message = error instanceof Error ? error.message : String(error);
  const detail = `${name}: ${firstLine(message)}`;
  if (!isRejection(error)) return { kind: 'crash', detail };
  if (error instanceof ImportError) {
    const code: string = error.code;
    // openTableFile relabels any unexpected exception as 'read-failed' "could not be read: <message>" with a
    // fix about the file's whereabouts; the fuzzer's bytes are in memory, so that is always a bug.
    if (code === 'internal' || (code === 'read-failed' && (/could not be read:/.test(message) || /still there/.test(error.fix)))) {
      return { kind: 'crash', detail: `${detail} [code ${code}]` };
    }
    if (!error.fix || error.fix.trim() === '') return { kind: 'crash', detail: `${detail} [no fix]` };
  }
  if (message.trim() === '') return { kind: 'crash', detail: `${name} with an empty message` };
  if (INTERNAL_MESSAGE.test(message)) return { kind: 'crash', detail: `${detail} [internal failure relabelled]` };
  return { kind: 'rejected', detail };
}

/** The first frame of a stack inside the repository (not node_modules, not node internals). */
export function stackTop(error: unknown): string | undefined {
  const stack = error instanceof Error ? error.stack : undefined;
  if (!stack) return undefined;
  for (const line of stack.split('\n').slice(1)) {
    const m = /\(?((?:file:\/\/)?[^()\s]*\/(?:src|fuzz)\/[^():\s]+):(\d+):\d+\)?$/.exec(line.trim());
    if (m && !m[1].includes('node_modules')) {
      const fn = /^at (?:async )?([^\s(]+) \(/.exec(line.trim())?.[1];
      return `${m[1].replace(/^.*\/(src|fuzz)\//, '$1/')}:${m[2]}${fn ? ` ${fn}` : ''}`;
    }
  }
  return undefined;
}

/**
 * A key under which failures are the same bug. With a frame: the kind, the error's name and the
 * frame that threw (the line left out for stack overflows, whose top frame is wherever the
 * recursion ran out). Without one (silent results, killed workers): the message with its
 * numbers, quoted parts and file names blanked. A hang or blow-up has no message to tell it by,
 * so the structural mutations that made its input (pickle-dag, zip-bomb, widen...) stand in.
 */
export function failureKey(target: string, kind: OutcomeKind, detail: string, where?: string, mutations: readonly string[] = []): string {
  if (kind === 'hang' || kind === 'memory') {
    const cause = [...new Set(mutations.filter((m) => !GENERIC_NAMES.has(m)))].sort().join('+');
    return `${target}|${kind}|${cause || 'byte edits'}`;
  }
  if (where) {
    const name = /^[\w]+/.exec(detail)?.[0] ?? '';
    const site = /Maximum call stack/.test(detail) ? where.replace(/:\d+/, '') : where;
    return `${target}|${kind}|${name}|${site}`;
  }
  const shape = detail
    .replace(/"[^"]*"|'[^']*'|`[^`]*`/g, '"…"')
    .replace(/\S+\.(npy|npz|safetensors|pt|pth|bin|tsv|csv|txt|vec|rlctr|json|data)\b/g, 'FILE')
    .replace(/-?\d+(\.\d+)?(e[+-]?\d+)?/gi, 'N')
    .slice(0, 160);
  return `${target}|${kind}|${shape}`;
}

function firstLine(text: string): string {
  const line = text.split('\n', 1)[0];
  return line.length > 240 ? `${line.slice(0, 240)}…` : line;
}
