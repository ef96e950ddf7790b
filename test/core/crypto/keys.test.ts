import { describe, expect, it } from 'vitest';
import { NotariumError } from '../../../shared/errors.ts';
import { generateAgeIdentity, identityToRecipient, parseIdentity, parseRecipient } from '../../../main/core/crypto/index.ts';
import { generateFileKey, wrapFileKey } from '../../../main/core/crypto/file-key.ts';
import { parseHeader } from '../../../main/core/crypto/header.ts';
import { importIdentityKey } from '../../../main/core/crypto/keys.ts';

function code(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof NotariumError) return e.code;
    throw e;
  }
  return 'ok';
}

describe('age keys', () => {
  it('generates an X25519 identity whose recipient it can derive again', async () => {
    const { identity, recipient } = await generateAgeIdentity();
    expect(identity).toMatch(/^AGE-SECRET-KEY-1[0-9A-Z]{58}$/);
    expect(recipient).toMatch(/^age1[0-9a-z]{58}$/);
    expect(await identityToRecipient(identity)).toBe(recipient);
    expect(parseRecipient(recipient).type).toBe('X25519');
    expect(parseIdentity(identity).type).toBe('X25519');
  });

  it('generates hybrid post-quantum identities on request', async () => {
    const { identity, recipient } = await generateAgeIdentity({ type: 'mlkem768x25519' });
    expect(identity.startsWith('AGE-SECRET-KEY-PQ-1')).toBe(true);
    expect(parseRecipient(recipient).type).toBe('mlkem768x25519');
    expect(parseIdentity(identity).type).toBe('mlkem768x25519');
  });

  it('rejects malformed recipients with INVALID_INPUT', async () => {
    const { identity, recipient } = await generateAgeIdentity();
    const lastChar = recipient.endsWith('q') ? 'p' : 'q';
    for (const bad of [
      '',
      'age1',
      recipient.toUpperCase(),
      ` ${recipient}`,
      `${recipient}\n`,
      `${recipient.slice(0, -1)}${lastChar}`, // Bech32 checksum
      recipient.slice(0, -2),
      identity,
      'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHxfMn5Zz3D0hVv0b0p4y8F5d2kP6W2sOQFJ1Ve0l8aH',
    ]) {
      expect(code(() => parseRecipient(bad))).toBe('INVALID_INPUT');
    }
    expect(code(() => parseRecipient(123 as unknown as string))).toBe('INVALID_INPUT');
  });

  it('rejects malformed identities without echoing the secret', async () => {
    const { identity, recipient } = await generateAgeIdentity();
    const broken = `${identity.slice(0, -1)}${identity.endsWith('Q') ? 'P' : 'Q'}`;
    for (const bad of [recipient, identity.toLowerCase(), broken, 'AGE-SECRET-KEY-1']) {
      try {
        parseIdentity(bad);
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(NotariumError);
        expect((e as NotariumError).code).toBe('INVALID_INPUT');
        // No Bech32 data (20+ alphanumerics in a row) in the message.
        expect((e as NotariumError).message).not.toMatch(/[0-9a-z]{20,}/i);
      }
    }
    await expect(identityToRecipient(broken)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('imports an X25519 identity once as a non-extractable CryptoKey that unwraps the same file keys', async () => {
    const me = await generateAgeIdentity();
    const stranger = await generateAgeIdentity();
    const parsed = parseIdentity(me.identity);
    const keyed = await importIdentityKey(parsed);
    const key = (keyed.unwrapper as unknown as { identity: unknown }).identity;
    expect(key).toBeInstanceOf(CryptoKey);
    expect((key as { extractable: boolean }).extractable).toBe(false);
    for (let i = 0; i < 3; i++) {
      const fileKey = generateFileKey();
      const { stanzas } = parseHeader(await wrapFileKey(fileKey, [stranger.recipient, me.recipient]));
      expect(await keyed.unwrapper.unwrapFileKey(stanzas)).toEqual(fileKey);
      expect(await parsed.unwrapper.unwrapFileKey(stanzas)).toEqual(fileKey);
    }
    const { stanzas } = parseHeader(await wrapFileKey(generateFileKey(), [stranger.recipient]));
    expect(await keyed.unwrapper.unwrapFileKey(stanzas)).toBeNull();
  });

  it('passes hybrid post-quantum identities through unchanged', async () => {
    const parsed = parseIdentity((await generateAgeIdentity({ type: 'mlkem768x25519' })).identity);
    expect(await importIdentityKey(parsed)).toBe(parsed);
  });
});
