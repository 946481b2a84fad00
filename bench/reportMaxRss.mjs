// Preloaded into the CLI by analyzeBench.ts: reports the process's peak RSS (KiB) on exit.
process.on('exit', () => process.stderr.write(`RECLENS_MAXRSS_KB=${process.resourceUsage().maxRSS}\n`));
