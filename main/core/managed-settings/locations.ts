/**
 * Where each OS keeps the machine-wide managed settings file. Only administrators can
 * write these places; the file's own owner and mode are checked again when it is read
 * (load.ts), because an administrator-only folder is a convention, not a guarantee.
 */
import path from 'node:path';

/** Linux (and other Unix): the usual place for machine-wide configuration. */
export const LINUX_MANAGED_SETTINGS_FILE = '/etc/notarium/managed.json';

/**
 * macOS: a root-owned JSON file deployed by the lab's MDM (a package or script). A
 * configuration profile's preference domain (/Library/Managed Preferences/*.plist) is
 * not read yet: see docs/SECURITY.md.
 */
export const MACOS_MANAGED_SETTINGS_FILE = '/Library/Application Support/Notarium/managed.json';

/**
 * The managed settings file of `platform`: `%ProgramData%\Notarium\managed.json` on Windows,
 * {@link MACOS_MANAGED_SETTINGS_FILE} on macOS, {@link LINUX_MANAGED_SETTINGS_FILE} elsewhere.
 * On Windows `ProgramData` comes from the environment, defaulting to `C:\ProgramData`.
 */
export function defaultManagedSettingsFile(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): string {
  if (platform === 'win32') {
    const programData = env['ProgramData'] ?? env['PROGRAMDATA'] ?? 'C:\\ProgramData';
    return path.win32.join(programData, 'Notarium', 'managed.json');
  }
  if (platform === 'darwin') return MACOS_MANAGED_SETTINGS_FILE;
  return LINUX_MANAGED_SETTINGS_FILE;
}
