import { describe, expect, it } from 'vitest';
import { assertSafeRelativePath, unsafePathReason } from '../../shared/safe-path.ts';

describe('dataset-relative path validation', () => {
  it.each(['a.csv', 'dir/sub/file.vcf.gz', 'données/é.txt', '.hidden', 'a..b'])('accepts %s', (p) => {
    expect(unsafePathReason(p)).toBeNull();
  });
  it.each([
    ['', 'empty path'],
    ['/etc/passwd', 'absolute path'],
    ['../x', "'..' segment"],
    ['a/../../x', "'..' segment"],
    ['a/./b', "'.' segment"],
    ['a//b', 'empty path segment'],
    ['a\\b', 'backslash in path'],
    ['C:x', 'drive letter in path'],
    ['a/\u0000b', 'control character in path'],
    ['dir/NUL.txt', "reserved device name 'NUL.txt'"],
  ])('refuses %j (%s)', (p, reason) => {
    expect(unsafePathReason(p)).toBe(reason);
    expect(() => assertSafeRelativePath(p)).toThrow(expect.objectContaining({ code: 'UNSAFE_PATH' }));
  });
});
