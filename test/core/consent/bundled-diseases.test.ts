import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BUNDLED_DISEASES } from '../../../main/core/consent/disease-file.ts';
import { BUNDLED_DISEASES_TEXT } from '../../../main/core/consent/data/diseases.ts';

describe('the bundled disease hierarchy', () => {
  it('the module the app bundles carries exactly data/diseases.tsv', () => {
    expect(BUNDLED_DISEASES_TEXT).toBe(readFileSync(BUNDLED_DISEASES, 'utf8'));
  });
});
