// Preloaded into the CLI by analyzeBench.ts: reports the process's peak RSS (KiB) and CPU seconds (all threads) on exit.
process.on('exit', () => {
  const use = process.resourceUsage();
  process.stderr.write(`RECLENS_MAXRSS_KB=${use.maxRSS}\nRECLENS_CPU_S=${((use.userCPUTime + use.systemCPUTime) / 1e6).toFixed(3)}\n`);
});
