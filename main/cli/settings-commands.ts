/**
 * `notarium settings`: the effective settings of this data folder — the user's
 * settings.json with the lab's managed settings laid over them — each key marked
 * [locked] when the managed file fixes it, and any warning about that file.
 */
import type { Command } from 'commander';
import type { EffectiveSettings } from '../core/managed-settings/index.ts';
import type { Notarium } from '../core/notarium.ts';
import { printResult } from './output.ts';

type Run = (cmd: Command, fn: (n: Notarium, g: { json?: boolean }) => Promise<number | undefined>) => Promise<void>;

/** The `--json` shape of `notarium settings`. */
export function settingsView(e: EffectiveSettings): { settings: EffectiveSettings['settings']; locked: string[]; policy: EffectiveSettings['policy']; managed: { file: string; status: string; warnings: string[] } } {
  return { settings: e.settings, locked: [...e.locked], policy: e.policy, managed: { file: e.managed.file, status: e.managed.status, warnings: [...e.managed.warnings] } };
}

/** Human text of `notarium settings`: one line per key, `[locked]` where the managed settings fix it. */
export function formatSettings(e: EffectiveSettings): string {
  const lock = (key: EffectiveSettings['locked'][number]): string => (e.locked.includes(key) ? '  [locked]' : '');
  const net = e.settings.network;
  const ipfs = e.settings.ipfs;
  const managed =
    e.managed.status === 'absent'
      ? `none (no ${e.managed.file})`
      : e.managed.status === 'applied'
        ? `${e.managed.file} (applied)`
        : `${e.managed.file} (${e.managed.status.toUpperCase()})`;
  const lines = [
    `Managed settings:   ${managed}`,
    ...e.managed.warnings.map((w) => `  warning: ${w}`),
    `Network:            ${net === undefined ? 'embedded local devnet (chain 31337)' : `${net.name}, chain ${net.chainId}${net.rpcUrl === undefined ? '' : `, ${net.rpcUrl}`}`}${lock('network')}`,
    ...(net?.registry === undefined ? [] : [`  registry:         ${net.registry}${net.registryDeployBlock === undefined ? '' : ` (deployed in block ${net.registryDeployBlock})`}${lock('network')}`]),
    `Confirmations:      ${e.policy.minConfirmations !== null ? `at least ${e.policy.minConfirmations}` : net?.confirmations !== undefined ? `at least ${net.confirmations}` : "the network's default"}${lock('network.confirmations')}`,
    `Allowed networks:   ${e.policy.allowedChainIds === null ? 'any' : e.policy.allowedChainIds.length === 0 ? 'none (anchoring disabled)' : `chain ids ${e.policy.allowedChainIds.join(', ')}`}${lock('allowedNetworks')}`,
    `Public mode:        ${e.policy.allowPublicMode ? 'allowed' : 'not allowed'}${lock('allowPublicMode')}`,
    `Default recipients: ${e.policy.defaultRecipients.length === 0 ? 'none' : e.policy.defaultRecipients.join(', ')}${lock('defaultRecipients')}`,
    `Auto-lock (app):    ${e.policy.autoLockMinutes === null ? "the app's default" : `${e.policy.autoLockMinutes} min idle`}${lock('autoLockMinutes')}`,
    `IPFS:               ${ipfs === undefined ? 'embedded node, networking off' : `${ipfs.backend === 'kubo' ? `Kubo at ${ipfs.kubo?.url ?? '?'}` : `embedded node, networking ${ipfs.networking?.mode ?? 'off'}`}${ipfs.pinningService === undefined ? '' : `, pinning service ${ipfs.pinningService.endpoint}`}`}${lock('ipfs')}`,
  ];
  if (e.policy.blockedReason !== null) lines.push('Anchoring and public mode are DISABLED until the managed settings file is fixed.');
  return lines.join('\n');
}

/**
 * Prints managed-settings warnings on stderr before a command runs, so a refused or broken
 * file is never silent (`settings` shows them itself; `--json` output stays one document).
 */
export function warnAboutManagedSettings(cmd: Command, n: Notarium, json: boolean): void {
  if (json || cmd.name() === 'settings') return;
  for (const w of n.effectiveSettings.managed.warnings) process.stderr.write(`notarium: warning: ${w}\n`);
}

/** Adds `notarium settings` to `program`. */
export function registerSettingsCommands(program: Command, run: Run): void {
  program
    .command('settings')
    .description("show the effective settings: yours (settings.json) with the lab's managed settings over them; [locked] marks what the lab fixes")
    .action(async (_o, cmd: Command) => {
      await run(cmd, async (n, g) => {
        const e = n.effectiveSettings;
        printResult(g.json === true, settingsView(e), () => formatSettings(e));
        return undefined;
      });
    });
}
