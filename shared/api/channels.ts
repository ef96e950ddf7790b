/**
 * Names on the wire, free of zod so the sandboxed preload stays tiny: the IPC channel of
 * each operation and of progress events. `contract.ts` checks that this list and the
 * operation table agree (test/shared/api/contract.test.ts).
 */
export const OPERATION_LIST = [
  'status',
  'createAccount',
  'unlock',
  'lock',
  'listDatasets',
  'inspectInputs',
  'notarize',
  'verify',
  'retrieve',
  'cancel',
  'setNetwork',
  'pickPaths',
  'saveReport',
  'openExternal',
  'draft',
  'draftStatus',
  'signDraft',
  'anchorDraft',
  'share',
  'consentList',
  'consentFlagged',
  'consentImport',
  'consentLink',
  'consentCheck',
  'consentSubset',
  'consentWithdraw',
  'consentExport',
  'consentLogVerify',
  'consentLogEntries',
  'consentLogAnchor',
  'confirmFee',
  'pendingAnchors',
  'resumeAnchor',
  'pendingJobs',
  'resumeJob',
  'exportAccount',
  'importAccount',
  'setPinningToken',
] as const;

/** Operations that take a call id and stream progress events. */
export const PROGRESS_OPERATIONS = ['notarize', 'verify', 'retrieve', 'draft', 'anchorDraft', 'resumeAnchor', 'resumeJob'] as const;

/** IPC channel of an operation. */
export function channelOf(name: string): string {
  return `notarium:${name}`;
}

/** IPC channel (main → renderer) of progress events. */
export const PROGRESS_CHANNEL = 'notarium:progress';
