/** Search, sort and status labels of the Datasets list (pure; 10,000 rows filter in a few ms). */
import type { DatasetSummaryInfo } from '../../../shared/api/index.ts';

export const SORTS = {
  newest: 'Newest first',
  oldest: 'Oldest first',
  title: 'Title A–Z',
  size: 'Largest first',
  files: 'Most files first',
} as const;
export type SortKey = keyof typeof SORTS;

export function filterDatasets(list: readonly DatasetSummaryInfo[], query: string, sort: SortKey): DatasetSummaryInfo[] {
  const q = query.trim().toLowerCase();
  const out = q === '' ? [...list] : list.filter((d) => d.title.toLowerCase().includes(q) || d.root.toLowerCase().startsWith(q) || d.id.toLowerCase().startsWith(q));
  const by: Record<SortKey, (a: DatasetSummaryInfo, b: DatasetSummaryInfo) => number> = {
    newest: (a, b) => b.createdAt - a.createdAt,
    oldest: (a, b) => a.createdAt - b.createdAt,
    title: (a, b) => a.title.localeCompare(b.title),
    size: (a, b) => b.totalBytes - a.totalBytes,
    files: (a, b) => b.fileCount - a.fileCount,
  };
  return out.sort(by[sort]);
}

export interface StatusLabel {
  label: string;
  color: string;
  description: string;
}

export function statusLabel(d: DatasetSummaryInfo): StatusLabel {
  if (d.supersededBy !== null) return { label: 'superseded', color: 'gray', description: 'A newer version replaces this dataset; its anchor stays valid.' };
  switch (d.status) {
    case 'anchored':
      return {
        label: d.confirmations === null ? 'anchored' : `anchored · ${d.confirmations} conf.`,
        color: 'teal',
        description: d.confirmations === null ? 'Anchored on the chain.' : `Anchored on the chain with ${d.confirmations} confirmation(s).`,
      };
    case 'pending':
      return { label: 'pending', color: 'yellow', description: 'The anchoring transaction is waiting for confirmation.' };
    case 'prepared':
      return { label: 'prepared', color: 'blue', description: 'Stored, not yet anchored.' };
    case 'failed':
      return { label: 'failed', color: 'red', description: 'Anchoring failed; notarize again.' };
  }
}
