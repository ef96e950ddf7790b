/**
 * Public surface of Notarium's API contract: the operation table, its request and
 * response schemas, progress events, the Outcome envelope, the generic dispatch and the
 * `window.notarium` type.
 */
export * from './schemas.ts';
export * from './responses.ts';
export * from './consent-schemas.ts';
export * from './consent-responses.ts';
export * from './desktop-schemas.ts';
export * from './progress.ts';
export * from './outcome.ts';
export * from './contract.ts';
export * from './channels.ts';
export * from './dispatch.ts';
export type * from './window-api.ts';
