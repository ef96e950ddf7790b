/**
 * Opens the IpfsBackend that the `ipfs` settings choose (backend-settings.ts). Each
 * implementation is imported only when chosen: kubo-rpc-client alone costs ~55 MB RSS
 * and libp2p is loaded only for a networked embedded node.
 */
import { NotariumError } from '../../../shared/errors.ts';
import type { IpfsBackend } from './backend.ts';
import type { IpfsSettings } from './backend-settings.ts';
import type { Durability } from '../fs/durable-files.ts';
import type { HeliaNetworking } from './helia-backend.ts';
import { EnvSecretStore, PINNING_TOKEN_ENV, PINNING_TOKEN_SECRET, type SecretStore } from './secret-store.ts';

/** What openIpfsBackend needs. */
export interface OpenBackendOptions {
  /** The embedded node's folder, `<dataDir>/ipfs`. */
  folder: string;
  /** The `ipfs` section of settings.json; undefined means the embedded node, offline. */
  settings?: IpfsSettings | undefined;
  /** Where the pinning service token is kept; default EnvSecretStore(env). */
  secrets?: SecretStore | undefined;
  env?: NodeJS.ProcessEnv;
  /** Replaces the settings' networking of the embedded node (e.g. `notarium ipfs serve`). */
  networking?: HeliaNetworking | undefined;
  durability?: Durability;
}

/**
 * Opens the embedded node (HeliaBackend) or connects to Kubo (KuboBackend), wrapped in
 * a RemotePinningBackend when a pinning service is configured.
 *
 * @throws NotariumError('INVALID_INPUT') for a pinning service without a token (the
 *   message says where to put it), bad networking settings or an old Kubo; the
 *   backends' errors otherwise.
 */
export async function openIpfsBackend(options: OpenBackendOptions): Promise<IpfsBackend> {
  const settings = options.settings;
  const env = options.env ?? process.env;
  // Read the token first: a missing one should not cost starting a node.
  const token = settings?.pinningService === undefined ? undefined : await pinningToken(options.secrets ?? new EnvSecretStore(env), env);
  let local: IpfsBackend;
  if (settings?.backend === 'kubo') {
    if (settings.kubo === undefined) throw new NotariumError('INVALID_INPUT', "backend 'kubo' needs kubo.url in settings.json");
    const { KuboBackend } = await import('./kubo-backend.ts');
    local = await KuboBackend.connect(settings.kubo.url);
  } else {
    const { HeliaBackend } = await import('./helia-backend.ts');
    const networking = options.networking ?? networkingOf(settings);
    local = await HeliaBackend.open(options.folder, { networking, ...(options.durability === undefined ? {} : { durability: options.durability }) });
  }
  if (settings?.pinningService === undefined || token === undefined) return local;
  const [{ PinningServiceClient }, { RemotePinningBackend }] = await Promise.all([import('./pinning-service.ts'), import('./remote-pinning.ts')]);
  const secrets = options.secrets ?? new EnvSecretStore(env);
  const client = new PinningServiceClient({
    endpoint: settings.pinningService.endpoint,
    // Read per request, so a token replaced in the keychain takes effect at once.
    token: async () => (await secrets.get(PINNING_TOKEN_SECRET)) ?? env[PINNING_TOKEN_ENV] ?? token,
  });
  return new RemotePinningBackend(local, client, settings.pinningService.meta === undefined ? {} : { meta: settings.pinningService.meta });
}

/** The embedded node's networking from settings; 'off' when absent. */
export function networkingOf(settings: IpfsSettings | undefined): HeliaNetworking {
  const n = settings?.networking;
  if (n === undefined || n.mode === 'off') return { mode: 'off' };
  return {
    mode: 'peers',
    listen: n.listen,
    peers: n.peers,
    ...(n.bootstrap === undefined ? {} : { bootstrap: n.bootstrap }),
    ...(n.fetchTimeoutMs === undefined ? {} : { fetchTimeoutMs: n.fetchTimeoutMs }),
  };
}

async function pinningToken(secrets: SecretStore, env: NodeJS.ProcessEnv): Promise<string> {
  const token = (await secrets.get(PINNING_TOKEN_SECRET)) ?? env[PINNING_TOKEN_ENV];
  if (token === undefined || token === '') {
    throw new NotariumError('INVALID_INPUT', `settings.json names a pinning service but no access token is available: store it in the keychain (desktop app: Settings › IPFS) or set ${PINNING_TOKEN_ENV} (command line)`);
  }
  return token;
}
