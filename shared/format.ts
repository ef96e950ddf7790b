/** Display formatting shared by the CLI and the UI (pure). */

/** Human size in SI units as file managers show them: 12 B, 3.4 kB, 56 MB, 7.8 GB. */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = bytes / 1000;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${v >= 100 ? v.toFixed(0) : v.toFixed(1)} ${units[i]}`;
}

/** `n` and an English noun, plural unless n is 1: "1 file", "2 files", "0 blocks". */
export function formatCount(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** The verb form that agrees with `n` things: `one` when n is 1 ("1 file matches"), else `many` ("2 files match"). */
export function agree(n: number, one: string, many: string): string {
  return n === 1 ? one : many;
}
