/**
 * Receipts (docs/RECEIPT.md): the full receipt (version 1) and the receipt excerpt
 * (version 2, kind "excerpt"): schema, parsing (whole, or streamed in chunks for
 * 100,000-file receipts), offline verification (also entry by entry), excerpts.
 */
export * from './schema.ts';
export * from './parse.ts';
export * from './verify.ts';
export * from './excerpt.ts';
export * from './stream.ts';
