// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/**
 * @title TestMulticall
 * @notice For tests only: makes several calls to one target in a single transaction, bubbling up
 * the first revert. Used to check that state kept for one anchoring (transient duplicate marks)
 * does not leak into the next anchoring of the same transaction.
 */
contract TestMulticall {
    function multicall(address target, bytes[] calldata calls) external {
        for (uint256 i; i < calls.length; ++i) {
            (bool ok, bytes memory result) = target.call(calls[i]);
            if (!ok) {
                assembly ("memory-safe") {
                    revert(add(result, 0x20), mload(result))
                }
            }
        }
    }
}
