/**
 * Where Notarium keeps its per-user data (ledger, keys, IPFS blocks, devnet, receipts).
 *
 * The default folder is the one Electron's `app.getPath('userData')` returns for an app
 * named "Notarium", so the CLI and the desktop app share one data folder without either
 * importing Electron. See https://www.electronjs.org/docs/latest/api/app#appgetpathname
 * and the XDG Base Directory spec for Linux.
 */
import { mkdirSync } from 'node:fs';
import { mkdir, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { NotariumError } from '../../shared/errors.ts';

/** The app name Electron appends to its `appData` folder. */
export const APP_NAME = 'Notarium';

/** Environment variable naming the data folder; the `--data-dir` flag beats it. */
export const DATA_DIR_ENV = 'NOTARIUM_DATA_DIR';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The OS per-user app-data folder for Notarium, as Electron computes `userData`:
 * - Linux and other Unixes: `$XDG_CONFIG_HOME/Notarium`, else `~/.config/Notarium`
 *   (a relative `XDG_CONFIG_HOME` is ignored, as the XDG spec requires);
 * - macOS: `~/Library/Application Support/Notarium`;
 * - Windows: `%APPDATA%\Notarium`, else `<home>\AppData\Roaming\Notarium`.
 *
 * Pure: reads only its arguments, touches no disk. Returns an absolute path in the
 * target platform's syntax.
 */
export function defaultDataDir(env: Env = process.env, platform: NodeJS.Platform = process.platform, home: string = os.homedir()): string {
  if (platform === 'win32') {
    const appData = nonEmpty(env.APPDATA);
    return appData !== undefined && path.win32.isAbsolute(appData)
      ? path.win32.join(appData, APP_NAME)
      : path.win32.join(home, 'AppData', 'Roaming', APP_NAME);
  }
  if (platform === 'darwin') {
    return path.posix.join(home, 'Library', 'Application Support', APP_NAME);
  }
  const xdgConfig = nonEmpty(env.XDG_CONFIG_HOME);
  return xdgConfig !== undefined && path.posix.isAbsolute(xdgConfig)
    ? path.posix.join(xdgConfig, APP_NAME)
    : path.posix.join(home, '.config', APP_NAME);
}

/** Inputs of {@link resolveDataDir}. */
export interface ResolveDataDirOptions {
  /** Value of the `--data-dir` command-line flag, if given. */
  flag?: string | undefined;
  /** Environment to read `NOTARIUM_DATA_DIR` (and the platform defaults) from. */
  env?: Env;
  /** Base for relative paths; defaults to `process.cwd()`. */
  cwd?: string;
  platform?: NodeJS.Platform;
  home?: string;
}

/**
 * The data folder to use: the `--data-dir` flag beats `NOTARIUM_DATA_DIR`, which beats
 * {@link defaultDataDir}. Relative paths resolve against `cwd`. An unset or empty
 * environment variable counts as absent.
 *
 * @returns an absolute path (not created; see {@link DataDirLayout.ensure}).
 * @throws NotariumError('INVALID_INPUT') when the flag is given but empty.
 */
export function resolveDataDir(options: ResolveDataDirOptions = {}): string {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  if (options.flag !== undefined) {
    if (options.flag.trim() === '') throw new NotariumError('INVALID_INPUT', '--data-dir must not be empty');
    return path.resolve(cwd, options.flag);
  }
  const fromEnv = nonEmpty(env[DATA_DIR_ENV]);
  if (fromEnv !== undefined) return path.resolve(cwd, fromEnv);
  return defaultDataDir(env, options.platform ?? process.platform, options.home ?? os.homedir());
}

/** Folder mode for the data folder and its subfolders: owner only (holds keys and salts). */
export const DATA_DIR_MODE = 0o700;

/**
 * The fixed layout inside a data folder. Paths only; {@link DataDirLayout.ensure}
 * creates the folders.
 */
export class DataDirLayout {
  /** Absolute data folder. */
  readonly root: string;
  /** SQLite ledger file. */
  readonly ledgerFile: string;
  /** Account keys folder (see main/core/keys). */
  readonly keysDir: string;
  /** Embedded Helia blockstore and datastore. */
  readonly ipfsDir: string;
  /** In-process devnet journal. */
  readonly devnetDir: string;
  /** Receipts written by notarizations. */
  readonly receiptsDir: string;

  constructor(root: string) {
    this.root = path.resolve(root);
    this.ledgerFile = path.join(this.root, 'ledger.sqlite');
    this.keysDir = path.join(this.root, 'keys');
    this.ipfsDir = path.join(this.root, 'ipfs');
    this.devnetDir = path.join(this.root, 'devnet');
    this.receiptsDir = path.join(this.root, 'receipts');
  }

  /**
   * Creates the data folder and its subfolders with mode 0700 where they do not exist
   * (existing folders keep their mode). Idempotent.
   *
   * @throws the underlying fs error (e.g. EACCES) when a folder cannot be created.
   */
  async ensure(): Promise<void> {
    for (const dir of this.#folders()) {
      await mkdir(dir, { recursive: true, mode: DATA_DIR_MODE });
    }
  }

  /**
   * {@link DataDirLayout.ensure}, synchronously: for the first use of a service that opens
   * its store synchronously (the SQLite ledger).
   *
   * @throws the underlying fs error (e.g. EACCES) when a folder cannot be created.
   */
  ensureSync(): void {
    for (const dir of this.#folders()) mkdirSync(dir, { recursive: true, mode: DATA_DIR_MODE });
  }

  /**
   * True when the data folder does not exist or is an empty folder: it holds no account,
   * ledger or blocks yet. Reads the disk; creates nothing.
   *
   * @throws the underlying fs error when the folder exists but cannot be listed, or
   *   (ENOTDIR) when it is a file.
   */
  async isUnused(): Promise<boolean> {
    const names = await readdir(this.root).catch((e: unknown) => {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    });
    return names.length === 0;
  }

  #folders(): string[] {
    return [this.root, this.keysDir, this.ipfsDir, this.devnetDir, this.receiptsDir];
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
