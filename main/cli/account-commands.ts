/**
 * `notarium account export` and `notarium account import`: back up the account (encrypted
 * Ethereum keystore + encrypted age identity) to one passphrase-protected age file, and
 * restore it into a data folder without an account (main/core/keys/account-backup.ts).
 *
 * Passphrases: the account passphrase comes from NOTARIUM_PASSPHRASE or a prompt, as for
 * every command; the backup passphrase from NOTARIUM_BACKUP_PASSPHRASE or, on a terminal, a
 * prompt; without either, the backup is protected by the account passphrase itself.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { NotariumError } from '../../shared/errors.ts';
import { AccountStore, importAccountBackup, MAX_ACCOUNT_BACKUP_CHARS, writeAccountBackup } from '../core/keys/index.ts';
import type { Notarium } from '../core/notarium.ts';
import { printResult } from './output.ts';
import { readPassphrase } from './passphrase.ts';

type Run = (cmd: Command, fn: (n: Notarium, g: { json?: boolean }) => Promise<number | undefined>) => Promise<void>;

/** The backup passphrase: NOTARIUM_BACKUP_PASSPHRASE, else a prompt on a terminal, else undefined (use the account passphrase). */
async function backupPassphrase(confirm: boolean): Promise<string | undefined> {
  const env = process.env['NOTARIUM_BACKUP_PASSPHRASE'];
  if (env !== undefined && env !== '') return env;
  if (!process.stdin.isTTY) return undefined;
  const saved = process.env['NOTARIUM_PASSPHRASE'];
  // readPassphrase prefers NOTARIUM_PASSPHRASE: hide it so this prompt really asks.
  delete process.env['NOTARIUM_PASSPHRASE'];
  try {
    const typed = await readPassphrase(confirm ? 'Backup passphrase (Enter: same as the account passphrase): ' : 'Backup passphrase (Enter: the account passphrase): ', confirm);
    return typed === '' ? undefined : typed;
  } finally {
    if (saved !== undefined) process.env['NOTARIUM_PASSPHRASE'] = saved;
  }
}

/** Adds `export` and `import` under the existing `account` command (or a new one). */
export function registerAccountCommands(program: Command, run: Run): void {
  const account = program.commands.find((c) => c.name() === 'account') ?? program.command('account').description('the account');

  account
    .command('export')
    .description('back up the account (encrypted keystore + age identity) to ONE passphrase-protected age file; keep it offline')
    .requiredOption('-o, --out <file>', 'the backup file to create (never replaced)')
    .action(async (o: Record<string, unknown>, cmd: Command) => {
      await run(cmd, async (n, g) => {
        const passphrase = await readPassphrase('Account passphrase: ');
        const backup = await backupPassphrase(true);
        const r = await writeAccountBackup(new AccountStore(n.layout.keysDir), passphrase, String(o['out']), backup === undefined ? {} : { backupPassphrase: backup });
        printResult(g.json === true, { ...r, backupPassphrase: backup === undefined ? 'account' : 'separate' }, () =>
          [
            `Account ${r.account.address} backed up to ${r.path}`,
            `  protected by ${backup === undefined ? 'your account passphrase' : 'the backup passphrase'}; the restored account opens with your account passphrase.`,
            '  Keep it offline (a USB key in a safe). Restore with: notarium --data-dir <new folder> account import <file>',
          ].join('\n'),
        );
        return undefined;
      });
    });

  account
    .command('import')
    .description('restore an account from a backup file into this data folder (which must have no account)')
    .argument('<file>', 'a backup from `notarium account export`')
    .action(async (file: string, _o, cmd: Command) => {
      await run(cmd, async (n, g) => {
        const text = await readFile(path.resolve(file), 'utf8').catch((e: unknown) => {
          throw new NotariumError('NOT_FOUND', `Backup file not found: ${file}`, { cause: e });
        });
        if (text.length > MAX_ACCOUNT_BACKUP_CHARS) throw new NotariumError('INVALID_INPUT', `${file} is too large to be a Notarium account backup.`);
        const passphrase = await readPassphrase('Account passphrase: ');
        const backup = await backupPassphrase(false);
        const acct = await importAccountBackup(new AccountStore(n.layout.keysDir), text, { backupPassphrase: backup ?? passphrase, passphrase });
        printResult(g.json === true, { ...acct, dataDir: n.layout.root }, () =>
          `Account restored in ${n.layout.root}\n  Ethereum address: ${acct.address}\n  age recipient:    ${acct.recipient}\nIt opens with its account passphrase. Datasets: import their CAR files (notarium car import) or connect to an IPFS node that has them.`,
        );
        return undefined;
      });
    });
}
