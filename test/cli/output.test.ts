import { describe, expect, it } from 'vitest';
import { NotariumError } from '../../shared/errors.ts';
import { EXIT, exitCodeFor, optionLabel } from '../../main/cli/output.ts';

describe('CLI exit statuses', () => {
  it('1 for data that does not check out (details.integrity), whatever the code; 2 bad input; 3 otherwise', () => {
    expect(exitCodeFor(new NotariumError('HASH_MISMATCH', 'a.csv: decrypted content does not match', { details: { path: 'a.csv', integrity: 'altered' } }))).toBe(EXIT.verifyFailed);
    expect(exitCodeFor(new NotariumError('CID_MISMATCH', 'block on disk does not hash to its CID', { details: { cid: 'b', integrity: 'altered' } }))).toBe(EXIT.verifyFailed);
    expect(exitCodeFor(new NotariumError('INVALID_INPUT', 'CAR is truncated', { details: { integrity: 'truncated' } }))).toBe(EXIT.verifyFailed);
    // A configuration mismatch is not evidence of altered data.
    expect(exitCodeFor(new NotariumError('CID_MISMATCH', 'Kubo stored the content under another profile'))).toBe(EXIT.failed);
    expect(exitCodeFor(new NotariumError('NOT_FOUND', 'no such dataset'))).toBe(EXIT.badInput);
    expect(exitCodeFor(new Error('boom'))).toBe(EXIT.failed);
  });

  it('names request fields as the CLI options', () => {
    expect(optionLabel('authorOrcid')).toBe('--orcid');
    expect(optionLabel('recipients #2')).toBe('--recipient #2');
    expect(optionLabel('authors #2.address')).toBe('--author #2.address');
    expect(optionLabel('purpose.modifiers #1')).toBe('--purpose.modifiers #1');
    expect(optionLabel('(input)')).toBe('(input)');
    expect(optionLabel('someField')).toBe('someField');
  });
});

describe('CLI help', () => {
  it('shows no "(default: [])" for repeatable options, in commands and subcommands', async () => {
    const { buildProgram } = await import('../../main/cli/program.ts');
    const program = buildProgram();
    const all = (c: typeof program): (typeof program)[] => [c, ...c.commands.flatMap(all)];
    const helps = all(program).map((c) => c.helpInformation());
    expect(helps.length).toBeGreaterThan(20);
    expect(helps.filter((h) => h.includes('(default: [])'))).toEqual([]);
    const draft = program.commands.find((c) => c.name() === 'draft');
    expect(draft?.helpInformation()).toMatch(/--author .*default: you\n/);
  });
});
