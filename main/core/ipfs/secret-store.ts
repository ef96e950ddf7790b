/**
 * Where secrets such as the pinning service's access token live: never in settings.json.
 * The desktop app backs this interface with Electron safeStorage (the OS keychain); the
 * CLI reads environment variables (EnvSecretStore).
 */
import { NotariumError } from '../../../shared/errors.ts';

/** A keychain of named secrets. */
export interface SecretStore {
  /** The secret called `name`, or undefined if none is stored. */
  get(name: string): Promise<string | undefined>;
  /** Stores (replaces) the secret called `name`. */
  set(name: string, value: string): Promise<void>;
}

/** Name of the IPFS Pinning Service API access token in a SecretStore. */
export const PINNING_TOKEN_SECRET = 'ipfs.pinningService.token';

/** The environment variable the CLI reads the pinning service token from. */
export const PINNING_TOKEN_ENV = 'NOTARIUM_PINNING_TOKEN';

const ENV_BY_SECRET: Readonly<Record<string, string>> = { [PINNING_TOKEN_SECRET]: PINNING_TOKEN_ENV };

/**
 * Secrets from environment variables, read-only: the pinning service token comes from
 * NOTARIUM_PINNING_TOKEN. For the command line and CI, where no keychain is at hand.
 */
export class EnvSecretStore implements SecretStore {
  readonly #env: NodeJS.ProcessEnv;

  constructor(env: NodeJS.ProcessEnv = process.env) {
    this.#env = env;
  }

  async get(name: string): Promise<string | undefined> {
    const variable = ENV_BY_SECRET[name];
    const value = variable === undefined ? undefined : this.#env[variable];
    return value === undefined || value === '' ? undefined : value;
  }

  /** @throws NotariumError('INVALID_INPUT'): the environment cannot be written; it names the variable to set. */
  async set(name: string): Promise<void> {
    const variable = ENV_BY_SECRET[name];
    throw new NotariumError('INVALID_INPUT', variable === undefined ? `the secret '${name}' cannot be stored from the command line` : `set ${variable} in the environment to provide '${name}' to the command line`);
  }
}
