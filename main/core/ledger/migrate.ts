/**
 * Applies numbered schema migrations, each in its own IMMEDIATE transaction together
 * with the `PRAGMA user_version` bump (user_version lives in the database header,
 * which SQLite writes transactionally), so a crash leaves the schema at either the
 * old or the new version, never in between.
 */
import type BetterSqlite3 from 'better-sqlite3';

import { NotariumError } from '../../../shared/errors.ts';
import type { Migration } from './migrations/index.ts';

/** Current schema version of `db` (0 for a new file). */
export function schemaVersion(db: BetterSqlite3.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Brings `db` to the last version of `migrations`. Idempotent.
 *
 * @returns the versions applied by this call (empty when already up to date).
 * @throws NotariumError('INTERNAL') when `migrations` is not numbered 1..n;
 *   NotariumError('LEDGER_FAILED') when the file has a newer schema than this build
 *   knows (written by a newer Notarium), or a step fails (that step is rolled back).
 */
export function migrate(db: BetterSqlite3.Database, migrations: readonly Migration[]): number[] {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new NotariumError('INTERNAL', `migration ${m.name} has version ${m.version}, expected ${i + 1}`);
  });
  const latest = migrations.length;
  const current = schemaVersion(db);
  if (current > latest) {
    throw new NotariumError('LEDGER_FAILED', `The ledger has schema version ${current}; this Notarium knows up to ${latest}. Update Notarium.`, {
      details: { schemaVersion: current, supported: latest },
    });
  }
  const applied: number[] = [];
  for (const m of migrations.slice(current)) {
    const step = db.transaction(() => {
      // Re-read inside the write lock: another process may have migrated meanwhile.
      if (schemaVersion(db) >= m.version) return false;
      if (typeof m.up === 'string') db.exec(m.up);
      else m.up(db);
      db.pragma(`user_version = ${m.version}`);
      return true;
    });
    try {
      if (step.immediate()) applied.push(m.version);
    } catch (cause) {
      throw new NotariumError('LEDGER_FAILED', `Ledger migration ${m.version} (${m.name}) failed`, { cause, details: { version: m.version } });
    }
  }
  return applied;
}
