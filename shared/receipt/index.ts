/**
 * Receipts (docs/RECEIPT.md): the full receipt (version 1) and the receipt excerpt
 * (version 2, kind "excerpt"): schema, parsing, offline verification, excerpts, and the
 * dataset Merkle tree computed fast enough for 100,000-file datasets.
 */
export * from './schema.ts';
export * from './parse.ts';
export * from './verify.ts';
export * from './excerpt.ts';
