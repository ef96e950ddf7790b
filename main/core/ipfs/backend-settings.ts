/**
 * The `ipfs` section of settings.json: which IPFS backend stores the data, how the
 * embedded node networks, and an optional pinning service. Pure zod (no Node imports),
 * so the desktop app's settings screen can validate with the same schema.
 *
 *   { "ipfs": { "backend": "embedded",
 *               "networking": { "mode": "peers", "listen": ["/ip4/0.0.0.0/tcp/4001"],
 *                               "peers": ["/ip4/10.0.0.2/tcp/4001/p2p/12D3KooW…"] },
 *               "pinningService": { "endpoint": "https://pins.example.org/psa" } } }
 *
 * - backend 'embedded' (default): the Helia node in the data folder; networking 'off'
 *   (default) or 'peers' (opt-in; no public bootstrap list or delegated routing, ever).
 * - backend 'kubo': a Kubo daemon's RPC API at `kubo.url` (Kubo does its own networking).
 * - pinningService: also pin every object at this IPFS Pinning Service API endpoint.
 *   Its access token is a secret: it is refused here and read from the SecretStore
 *   (the OS keychain in the desktop app) or NOTARIUM_PINNING_TOKEN for the CLI.
 */
import { z } from 'zod';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

const multiaddrText = z.string().regex(/^\/(ip4|ip6|dns|dns4|dns6|dnsaddr)\/[^/]+\/.+/, 'a multiaddr such as /ip4/127.0.0.1/tcp/4001');
const peerMultiaddr = multiaddrText.regex(/\/p2p\/[1-9A-HJ-NP-Za-km-z]+$/, 'a multiaddr ending in /p2p/<peer id>');

/** HeliaNetworking as settings carry it. */
export const networkingSettingsSchema = z.discriminatedUnion('mode', [
  z.strictObject({ mode: z.literal('off') }),
  z.strictObject({
    mode: z.literal('peers'),
    listen: z.array(multiaddrText).max(16).default([]),
    peers: z.array(peerMultiaddr).max(256).default([]),
    bootstrap: z.array(peerMultiaddr).max(256).optional(),
    fetchTimeoutMs: z.number().int().min(1).max(3_600_000).optional(),
  }),
]);

export const ipfsSettingsSchema = z
  .strictObject({
    backend: z.enum(['embedded', 'kubo']).default('embedded'),
    networking: networkingSettingsSchema.optional(),
    kubo: z.strictObject({ url: z.url({ protocol: /^https?$/ }) }).optional(),
    pinningService: z
      .strictObject({
        endpoint: z.url({ protocol: /^https?$/ }),
        /** Extra Pin.meta strings sent with every pin request. */
        meta: z.record(z.string(), z.string()).optional(),
        token: z.never({ error: 'the pinning service token must not be stored in settings.json: keep it in the keychain (desktop app) or set NOTARIUM_PINNING_TOKEN (CLI)' }).optional(),
      })
      .optional(),
  })
  .superRefine((value, ctx) => {
    if (value.backend === 'kubo' && value.kubo === undefined) {
      ctx.addIssue({ code: 'custom', path: ['kubo'], message: "backend 'kubo' needs kubo.url, e.g. http://127.0.0.1:5001" });
    }
    if (value.backend === 'kubo' && value.networking !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['networking'], message: "networking applies to the embedded node; Kubo is configured in its own config file" });
    }
    const endpoint = value.pinningService?.endpoint;
    // zod runs this refinement even when the endpoint already failed its URL check.
    if (endpoint !== undefined && URL.canParse(endpoint)) {
      const url = new URL(endpoint);
      if (url.protocol !== 'https:' && !LOOPBACK_HOSTS.has(url.hostname)) {
        ctx.addIssue({ code: 'custom', path: ['pinningService', 'endpoint'], message: 'the pinning service must be reached over https:// (the access token would travel in clear)' });
      }
    }
    if (value.pinningService !== undefined && value.backend === 'embedded' && (value.networking ?? { mode: 'off' }).mode === 'off') {
      ctx.addIssue({
        code: 'custom',
        path: ['pinningService'],
        message: "a pinning service fetches the blocks from your node over IPFS: set networking to { mode: 'peers', listen: [an address it can reach] } or use backend 'kubo'",
      });
    }
  });

/** Parsed `ipfs` settings (defaults applied). */
export type IpfsSettings = z.infer<typeof ipfsSettingsSchema>;
