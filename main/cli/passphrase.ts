/** Reads the account passphrase: `NOTARIUM_PASSPHRASE`, else a hidden prompt on a TTY. */
import { NotariumError } from '../../shared/errors.ts';

/**
 * @param confirm ask twice (account creation) and require both to match.
 * @throws NotariumError('INVALID_INPUT') when there is no TTY and no NOTARIUM_PASSPHRASE,
 *   or the two entries differ.
 */
export async function readPassphrase(prompt: string, confirm = false): Promise<string> {
  const env = process.env['NOTARIUM_PASSPHRASE'];
  if (env !== undefined && env !== '') return env;
  if (!process.stdin.isTTY) {
    throw new NotariumError('INVALID_INPUT', 'No passphrase: set NOTARIUM_PASSPHRASE or run in a terminal to be prompted.');
  }
  const first = await hiddenPrompt(prompt);
  if (confirm && (await hiddenPrompt('Repeat passphrase: ')) !== first) {
    throw new NotariumError('INVALID_INPUT', 'The two passphrases differ.');
  }
  return first;
}

function hiddenPrompt(prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    process.stderr.write(prompt);
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    let value = '';
    const done = (err?: Error): void => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (chunk: string): void => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return done();
        if (ch === '\u0003') return done(new NotariumError('CANCELLED', 'Cancelled.'));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.on('data', onData);
  });
}
