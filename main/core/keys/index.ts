/**
 * Account keys service: one Ethereum keystore + one age identity per data folder,
 * both under one passphrase. Public surface:
 * - {@link AccountStore}: `exists()`, `create(passphrase, {scryptN?})`, `readPublic()`, `unlock(passphrase)`
 * - the passphrase policy and the file names/modes/scrypt defaults;
 * - account backup and restore in one passphrase-protected age file (account-backup.ts):
 *   {@link writeAccountBackup}, {@link exportAccountBackup}, {@link importAccountBackup}.
 */
export {
  AccountStore,
  ACCOUNT_FILE,
  DEFAULT_AGE_SCRYPT_LOG_N,
  DEFAULT_KEYSTORE_SCRYPT_N,
  IDENTITY_FILE,
  KEY_FILE_MODE,
  KEYS_DIR_MODE,
  KEYSTORE_FILE,
} from './account-store.ts';
export type { AccountPublic, CreateAccountOptions, UnlockedAccount } from './account-store.ts';
export { MIN_PASSPHRASE_LENGTH, assertNewPassphrase } from './passphrase.ts';
export {
  ACCOUNT_BACKUP_FORMAT,
  exportAccountBackup,
  importAccountBackup,
  MAX_ACCOUNT_BACKUP_CHARS,
  openAccountBackup,
  parseAccountBackupBundle,
  writeAccountBackup,
} from './account-backup.ts';
export type { AccountBackupBundle, ExportAccountOptions } from './account-backup.ts';
