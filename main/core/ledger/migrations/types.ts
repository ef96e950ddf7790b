import type BetterSqlite3 from 'better-sqlite3';

/**
 * One schema step. `version` is the `PRAGMA user_version` the database has after the
 * step; steps are numbered 1, 2, 3, ... and never edited once released (add a new one).
 * `up` is SQL text, or a function for steps that must transform data in code. It runs
 * inside the migration's transaction: it must not COMMIT or change `journal_mode`.
 */
export interface Migration {
  version: number;
  name: string;
  up: string | ((db: BetterSqlite3.Database) => void);
}
