import type { BackendName, BackendReport, BackendState } from '../contracts/backend.ts';

export type GramEngine = BackendState['gramEngine'];

/** SCIENCE.md's tolerance for singular values: within 1e-4 of s_max. */
export const SPECTRUM_TOLERANCE = 1e-4;

/** Only a hardware WebGPU adapter can make the float32 chunk matmul worth calibrating. */
export function backendGramCandidate(active: BackendName, reports: readonly BackendReport[]): boolean {
  const report = reports.find((r) => r.name === active);
  return active === 'webgpu' && report?.available === true && report.isFallbackAdapter === false;
}

/**
 * Which engine computes the Gram of uploaded tables. The float32 backend matmul squares the
 * condition number in float32 (ENGINE-NOTES: small singular values lost; WebGL ~60x worse), so it
 * is used only on a hardware WebGPU adapter that, calibrated on a condition-1e4 table, was both
 * faster than the float64 JS loop and within the spectrum tolerance. Everything else is float64 JS.
 */
export function chooseGramEngine(
  active: BackendName,
  reports: readonly BackendReport[],
  calibration?: { backendMs: number; jsMs: number; spectrumError: number },
): GramEngine {
  const wins = calibration !== undefined && calibration.backendMs < calibration.jsMs && calibration.spectrumError <= SPECTRUM_TOLERANCE;
  return backendGramCandidate(active, reports) && wins ? 'backend-matmul' : 'float64-js';
}
