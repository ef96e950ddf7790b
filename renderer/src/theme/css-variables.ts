/**
 * Mantine's theme CSS variables as a static stylesheet. MantineProvider would inject
 * them in an inline <style> element, which the app's CSP (`style-src 'self'`) forbids;
 * electron.vite.config.ts emits this text as a CSS module at build time instead.
 */
import { DEFAULT_THEME, convertCssVariables, defaultCssVariablesResolver, mergeMantineTheme } from '@mantine/core';
import { theme } from './theme.ts';

export function themeCssVariables(): string {
  const merged = mergeMantineTheme(DEFAULT_THEME, theme);
  const vars = defaultCssVariablesResolver(merged);
  // WCAG AA contrast (checked by axe-core in the e2e tests): Mantine's defaults for dimmed
  // text and light-variant labels are too pale on white.
  vars.light['--mantine-color-dimmed'] = 'var(--mantine-color-gray-7)';
  for (const color of Object.keys(merged.colors)) {
    vars.light[`--mantine-color-${color}-light-color`] = `color-mix(in srgb, var(--mantine-color-${color}-9), black 35%)`;
  }
  const scheme = convertCssVariables({ variables: {}, light: { '--mantine-color-scheme': 'light' }, dark: { '--mantine-color-scheme': 'dark' } }, ':root');
  return `${convertCssVariables(vars, ':root')}\n${scheme}\n`;
}
