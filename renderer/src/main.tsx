import '@mantine/core/styles.css';
import 'virtual:mantine-css-variables.css';
import './app.css';
import { MantineProvider } from '@mantine/core';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { StatusProvider } from './status-context.tsx';
import { theme } from './theme/theme.ts';

const root = document.getElementById('root');
if (root === null) throw new Error('#root missing from index.html');

// CSS variables come from a static stylesheet (see theme/css-variables.ts): the CSP forbids inline <style>.
createRoot(root).render(
  <StrictMode>
    <MantineProvider theme={theme} withCssVariables={false} withGlobalClasses={false} defaultColorScheme="light">
      <StatusProvider>
        <App />
      </StatusProvider>
    </MantineProvider>
  </StrictMode>,
);
