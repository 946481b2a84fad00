import { EXIT_INTERRUPTED, runCli } from './runCli.ts';

// Ctrl-C once: a training run stops at its next chunk and exits 130; twice: exit at once.
const interrupt = new AbortController();
if (process.argv[2] === 'train')
  process.on('SIGINT', () => {
    if (interrupt.signal.aborted) process.exit(EXIT_INTERRUPTED);
    process.stderr.write('\nstopping (Ctrl-C again to quit at once)\n');
    interrupt.abort();
  });

const code = await runCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  errIsTTY: process.stderr.isTTY === true,
  signal: interrupt.signal,
});
// train's wasm pool threads wait for work until the process ends, so end it (on Linux, writes to
// a pipe or a file are synchronous: nothing printed is lost).
process.exit(code);
