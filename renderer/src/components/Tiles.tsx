import type { ReactNode } from 'react';

/**
 * A grid of equal columns from a static stylesheet (app.css). Mantine's SimpleGrid, Grid
 * and AppShell inject inline <style> elements, which the app's CSP forbids.
 */
export function Tiles({ cols, children }: { cols: 2 | 3 | 4; children: ReactNode }) {
  return <div className={`tiles tiles-${cols}`}>{children}</div>;
}
