/** Receipt format v1 (docs/RECEIPT.md): schema, parsing, offline verification. */
export * from './schema.ts';
export * from './parse.ts';
export * from './verify.ts';
