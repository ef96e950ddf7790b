/** The authors form of a draft: rows as typed, their problems, and the contract's author list. */
import { isValidOrcid } from '../../../shared/notary/orcid.ts';

export interface AuthorRow {
  /** Stable key of the row (React). */
  key: number;
  address: string;
  name: string;
  orcid: string;
}

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

/** What is wrong with a row, per field (empty when it is fine). */
export function authorRowProblems(row: AuthorRow, all: readonly AuthorRow[]): { address?: string; orcid?: string } {
  const out: { address?: string; orcid?: string } = {};
  const address = row.address.trim();
  if (!ADDRESS.test(address)) out.address = 'Expected an Ethereum address: 0x and 40 hex digits.';
  else if (all.some((r) => r.key !== row.key && r.address.trim().toLowerCase() === address.toLowerCase())) out.address = 'This author is listed twice.';
  const orcid = row.orcid.trim();
  if (orcid !== '' && !isValidOrcid(orcid)) out.orcid = 'Not a valid ORCID iD (like 0000-0002-1825-0097; the last character is a check digit).';
  return out;
}

export function authorsValid(rows: readonly AuthorRow[]): boolean {
  return rows.length > 0 && rows.every((r) => Object.keys(authorRowProblems(r, rows)).length === 0);
}

/** The draft request's authors, in signing order. */
export function authorsOf(rows: readonly AuthorRow[]): { address: string; name?: string; orcid?: string }[] {
  return rows.map((r) => ({
    address: r.address.trim(),
    ...(r.name.trim() === '' ? {} : { name: r.name.trim() }),
    ...(r.orcid.trim() === '' ? {} : { orcid: r.orcid.trim() }),
  }));
}
