/**
 * ORCID iD validation: 16 characters in groups of four, the last one a check character
 * computed with ISO/IEC 7064 MOD 11-2 over the first 15 digits
 * (https://support.orcid.org/hc/en-us/articles/360006897674).
 */

/** The MOD 11-2 check character ('0'–'9' or 'X') of 15 base digits. */
export function orcidCheckCharacter(baseDigits: string): string {
  let total = 0;
  for (const ch of baseDigits) total = (total + Number(ch)) * 2;
  const result = (12 - (total % 11)) % 11;
  return result === 10 ? 'X' : String(result);
}

/** True when `id` is shaped like 0000-0002-1825-0097 and its check character is right. */
export function isValidOrcid(id: string): boolean {
  if (!/^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$/.test(id)) return false;
  const digits = id.replaceAll('-', '');
  return orcidCheckCharacter(digits.slice(0, 15)) === digits.slice(15);
}
