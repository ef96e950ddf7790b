import { MantineProvider } from '@mantine/core';
import { render, type RenderResult } from '@testing-library/react';
import type { ReactElement } from 'react';
import { StatusProvider } from '../../renderer/src/status-context.tsx';
import { theme } from '../../renderer/src/theme/theme.ts';

export function renderWithProviders(ui: ReactElement): RenderResult {
  return render(
    <MantineProvider theme={theme} withCssVariables={false} withGlobalClasses={false}>
      <StatusProvider>{ui}</StatusProvider>
    </MantineProvider>,
  );
}
