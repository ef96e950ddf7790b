/** Display formatting: sizes (bytes, SI units as file managers show them), rates, durations, dates. */

export { formatBytes } from '../../shared/format.ts';

export function formatRate(bytesPerSecond: number): string {
  return `${(bytesPerSecond / 1e6).toFixed(1)} MB/s`;
}

export function formatEta(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return 'estimating…';
  if (seconds < 1) return 'less than a second';
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

/** Unix seconds → local date and time, plus UTC ISO for unambiguous records. */
export function formatTime(unixSeconds: number): string {
  const d = new Date(unixSeconds * 1000);
  return `${d.toLocaleString()} (${d.toISOString().replace('.000Z', 'Z')})`;
}

export function shortHex(hex: string, keep = 10): string {
  return hex.length <= keep * 2 + 1 ? hex : `${hex.slice(0, keep)}…${hex.slice(-6)}`;
}
