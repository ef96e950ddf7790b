/**
 * Every schema step, in order. Append new steps (`NNN-name.ts`); never edit or reorder
 * released ones: databases in the field have already applied them.
 */
import { migration001 } from './001-initial.ts';
import { migration002 } from './002-consent.ts';
import { migration003 } from './003-receipt-anchor.ts';
import type { Migration } from './types.ts';

export type { Migration } from './types.ts';

export const MIGRATIONS: readonly Migration[] = [migration001, migration002, migration003];
