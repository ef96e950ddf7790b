/** Progress line for long work on stderr (TTY only): files, bytes, MB/s, ETA. */
import type { Progress } from '../core/notary/progress.ts';

function mb(bytes: number): string {
  return (bytes / 1e6).toFixed(1);
}

function eta(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '--:--';
  const s = Math.max(0, Math.round(seconds));
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

/** Returns a progress callback writing one updating line, or a no-op when stderr is not a TTY or JSON output is on. */
export function progressPrinter(enabled: boolean): { onProgress: (p: Progress) => void; end: () => void } {
  if (!enabled || !process.stderr.isTTY) return { onProgress: () => undefined, end: () => undefined };
  let last = 0;
  return {
    onProgress: (p) => {
      const now = Date.now();
      if (now - last < 100 && p.bytesDone < p.bytesTotal) return;
      last = now;
      const line = `${p.phase}: ${p.filesDone}/${p.filesTotal} files, ${mb(p.bytesDone)}/${mb(p.bytesTotal)} MB, ${(p.bytesPerSecond / 1e6).toFixed(1)} MB/s, ETA ${eta(p.etaSeconds)}`;
      process.stderr.write(`\r\u001b[2K${line}`);
    },
    end: () => process.stderr.write('\r\u001b[2K'),
  };
}
