/**
 * Consent logic shared by every layer (pure: no I/O): the DUO term model, consent scopes,
 * use requests, and the decision rules per subject and per dataset. Storage, import and
 * the audit log live in main/core/consent. Rules and choices: docs/CONSENT.md.
 */
export * from './duo.ts';
export * from './dates.ts';
export * from './disease.ts';
export * from './scope.ts';
export * from './use-request.ts';
export * from './match.ts';
export * from './subject.ts';
export * from './dataset.ts';
