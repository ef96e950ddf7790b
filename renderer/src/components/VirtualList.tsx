import { useVirtualizer } from '@tanstack/react-virtual';
import { useRef, type ReactNode } from 'react';

/**
 * A virtualized list: only the rows in view are in the DOM, so 100,000 rows scroll
 * without lag. Rows have a fixed height (px).
 */
export function VirtualList<T>({ items, rowHeight, height, label, render, getKey }: { items: readonly T[]; rowHeight: number; height: number; label: string; render: (item: T, index: number) => ReactNode; getKey: (item: T, index: number) => string }) {
  const parent = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => parent.current,
    estimateSize: () => rowHeight,
    overscan: 8,
    initialRect: { width: 800, height },
  });
  return (
    <div ref={parent} className="virtual-scroll" style={{ height: Math.min(height, items.length * rowHeight + 2) }} role="list" aria-label={label} tabIndex={0}>
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative', width: '100%' }}>
        {virtualizer.getVirtualItems().map((row) => {
          const item = items[row.index] as T;
          return (
            <div key={getKey(item, row.index)} role="listitem" aria-setsize={items.length} aria-posinset={row.index + 1} className="virtual-row" style={{ position: 'absolute', top: 0, left: 0, width: '100%', height: rowHeight, transform: `translateY(${row.start}px)` }}>
              {render(item, row.index)}
            </div>
          );
        })}
      </div>
    </div>
  );
}
