/** Every error code of the contract as a clear message with a next step (never the raw code alone). */
import type { ErrorCode } from '../../../shared/errors.ts';

export interface ErrorHelp {
  title: string;
  next: string;
}

export const ERROR_HELP: Record<ErrorCode, ErrorHelp> = {
  INVALID_INPUT: { title: 'Some input is not valid', next: 'Check the highlighted fields and try again.' },
  NOT_FOUND: { title: 'A file or folder was not found', next: 'Check the path still exists (a moved folder or an unplugged drive?) and choose it again.' },
  ALREADY_EXISTS: { title: 'This exact dataset is already notarized', next: 'Open it from Datasets: its receipt is already valid.' },
  ACCOUNT_MISSING: { title: 'There is no account yet', next: 'Create your account in Settings → Account.' },
  ACCOUNT_EXISTS: { title: 'An account already exists in this data folder', next: 'Unlock it in Settings → Account instead.' },
  WRONG_PASSPHRASE: { title: 'Wrong passphrase', next: 'Type the passphrase again; it is case-sensitive.' },
  CRYPTO_FAILED: { title: 'Encryption failed', next: 'Try again; if it persists, restart Notarium.' },
  AGE_DECRYPT_FAILED: { title: 'The data cannot be decrypted with your key', next: 'Ask the data owner to share the dataset with your age recipient (Settings → Account).' },
  IPFS_FAILED: { title: 'The IPFS storage failed', next: 'Check free disk space in the data folder and try again.' },
  CID_MISMATCH: { title: 'Stored data does not match its address', next: 'The local IPFS store may be damaged; retrieve from another copy or re-import the CAR file.' },
  CHAIN_FAILED: { title: 'The blockchain could not be reached', next: 'Check the network settings and your connection, then try again.' },
  CHAIN_ID_MISMATCH: { title: 'The RPC endpoint is on another chain', next: 'Check the chain id of the network in Settings → Network.' },
  ALREADY_ANCHORED: { title: 'This dataset is already anchored', next: 'Its existing receipt is valid; see Datasets.' },
  ANCHOR_PENDING: { title: 'The anchoring transaction is still pending', next: 'Wait a few minutes and open Datasets; Notarium resumes it and never sends it twice.' },
  DEVNET_REPLAY_MISMATCH: { title: 'The local devnet state is inconsistent', next: 'Restore the data folder from a backup, or contact support with the devnet folder.' },
  RECEIPT_INVALID: { title: 'This is not a valid Notarium receipt', next: 'Choose the .notarium-receipt.json file that came with the dataset.' },
  HASH_MISMATCH: { title: 'Content does not match the notarized hash', next: 'The data was altered; get an unaltered copy.' },
  PROOF_INVALID: { title: 'A Merkle proof is invalid', next: 'The receipt was altered; get the original receipt.' },
  SIGNATURE_INVALID: { title: 'An author signature is missing or invalid', next: 'For a draft: collect a valid signature file from every author listed (Co-authors). For a receipt: it was altered; get the original receipt.' },
  UNSAFE_PATH: { title: 'A file path is unsafe', next: 'The dataset contains a path that could escape the destination folder; it was not restored.' },
  LEDGER_FAILED: { title: 'The local ledger failed', next: 'Restart Notarium; check free disk space in the data folder.' },
  CANCELLED: { title: 'Cancelled', next: 'Nothing was recorded; you can start again.' },
  INTERNAL: { title: 'Something went wrong', next: 'Try again; if it persists, restart Notarium.' },
  DEVNET_LOCKED: { title: 'The local devnet is used by another Notarium process', next: 'Close the other Notarium window or CLI command and try again.' },
  ACCOUNT_LOCKED: { title: 'Your account is locked', next: 'Unlock it in Settings → Account with your passphrase.' },
  KEYCHAIN_REFUSED: { title: 'The passphrase was not stored in the OS keychain', next: 'Your account is unlocked for this session; you will type the passphrase at the next start.' },
  FORBIDDEN: { title: 'Refused for security reasons', next: 'Only Notarium\'s own window may use this.' },
  CONSENT_DENIED: { title: 'Consent does not cover this use', next: 'See which subjects deny it and why, then derive the eligible subset (Consent → Check a purpose).' },
  CONSENT_REVIEW_REQUIRED: { title: 'This use needs a person\'s decision', next: 'A named person may override with a reason; the override is recorded in the consent audit log.' },
  INSUFFICIENT_FUNDS: { title: 'Your account cannot pay the transaction fee', next: 'Send ether (or the network\'s gas currency) to your account address, then try again; nothing was sent.' },
  POLICY_DENIED: { title: 'Your lab\'s managed settings do not allow this', next: 'Ask your IT or data steward: the machine-wide settings file decides which networks and modes are allowed (notarium settings shows them).' },
  DISK_FULL: { title: 'The disk is full', next: 'Free some space on the disk named in the details, then start the same notarization again: it resumes where it stopped, and nothing already stored is lost.' },
};

export function helpFor(code: string): ErrorHelp {
  return ERROR_HELP[code as ErrorCode] ?? ERROR_HELP.INTERNAL;
}
