/**
 * The libsodium ChaCha20-Poly1305-IETF workspace that seals and opens age STREAM chunks:
 * native (sodium-native) when its binary loads, else the WebAssembly build. Both keep a
 * batch in their own memory and work on it in place; neither touches node:crypto's
 * chacha20-poly1305, which Electron's BoringSSL lacks.
 */
import type { CipherBackend } from './cipher-protocol.ts';
import { NativeChaCha } from './native-chacha.ts';
import type { SodiumChaCha } from './sodium-chacha.ts';

/** What NativeChaCha and SodiumChaCha have in common (offsets and lengths in bytes). */
export type AeadWorkspace = NativeChaCha | SodiumChaCha;

/**
 * Loads the workspace: `wanted` 'native' or 'wasm' forces one ('native' throws Error when
 * sodium-native cannot load), 'auto' prefers native.
 */
export async function loadAead(wanted: CipherBackend | 'auto'): Promise<{ aead: AeadWorkspace; backend: CipherBackend }> {
  if (wanted !== 'wasm') {
    try {
      return { aead: NativeChaCha.load(), backend: 'native' };
    } catch (e) {
      if (wanted === 'native') throw e;
    }
  }
  // Imported only when needed: the WASM module costs memory wherever it loads.
  const { SodiumChaCha } = await import('./sodium-chacha.ts');
  return { aead: await SodiumChaCha.load(), backend: 'wasm' };
}
