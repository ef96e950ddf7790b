/**
 * Schema v3: each receipt row also records what its receipt states about the anchoring —
 * the network (name, chain id, local flag), the registry contract, the transaction, block
 * number and block time — so a finished notarization can be reported from the ledger
 * without reading and parsing a receipt of up to ~200 MB (100,000 files).
 *
 * Rows written before this step are filled in from their JSON text when the ledger kept
 * it; the columns stay NULL for receipts kept only as files (see RECEIPT_IN_LEDGER_MAX_BYTES
 * in main/core/notarium.ts), whose readers then fall back to the file.
 */
import type { Migration } from './types.ts';

const hexBytes = (col: string, bytes: number): string =>
  `(${col} IS NULL OR (substr(${col}, 1, 2) = '0x' AND coalesce(length(unhex(substr(${col}, 3))), 0) = ${bytes}))`;

export const migration003: Migration = {
  version: 3,
  name: 'receipt-anchor',
  up: `
ALTER TABLE receipts ADD COLUMN network_name TEXT CHECK (network_name IS NULL OR length(network_name) > 0);
ALTER TABLE receipts ADD COLUMN chain_id TEXT CHECK (chain_id IS NULL OR (length(chain_id) > 0 AND chain_id NOT GLOB '*[^0-9]*' AND chain_id NOT GLOB '0*'));
ALTER TABLE receipts ADD COLUMN network_local INTEGER CHECK (network_local IS NULL OR network_local IN (0, 1));
ALTER TABLE receipts ADD COLUMN contract TEXT CHECK ${hexBytes('contract', 20)};
ALTER TABLE receipts ADD COLUMN tx_hash TEXT CHECK ${hexBytes('tx_hash', 32)};
ALTER TABLE receipts ADD COLUMN block_number INTEGER CHECK (block_number IS NULL OR block_number >= 0);
ALTER TABLE receipts ADD COLUMN block_time INTEGER;

UPDATE receipts SET
  network_name = json_extract(json, '$.network.name'),
  chain_id = json_extract(json, '$.network.chainId'),
  network_local = json_extract(json, '$.network.local'),
  contract = json_extract(json, '$.contract'),
  tx_hash = json_extract(json, '$.anchor.txHash'),
  block_number = json_extract(json, '$.anchor.blockNumber'),
  block_time = json_extract(json, '$.anchor.blockTime')
WHERE json <> '' AND json_valid(json)
  AND json_type(json, '$.network.name') = 'text' AND json_type(json, '$.network.chainId') = 'text'
  AND json_type(json, '$.network.local') IN ('true', 'false') AND json_type(json, '$.contract') = 'text'
  AND json_type(json, '$.anchor.txHash') = 'text' AND json_type(json, '$.anchor.blockNumber') = 'integer'
  AND json_type(json, '$.anchor.blockTime') = 'integer';
`,
};
