// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

/**
 * @title TestERC1271Wallet
 * @notice A minimal k-of-n multisig contract wallet for tests only (a stand-in for a lab's Safe).
 * A signature is the concatenation of `threshold` 65-byte ECDSA signatures of distinct owners over
 * the hash, so a 1-of-1 wallet's signature is 65 bytes and a 2-of-2 wallet's is 130 bytes: both
 * registry signature-blob forms (inline and tail) are exercised.
 */
contract TestERC1271Wallet is IERC1271 {
    address[] private _owners;
    uint256 public immutable threshold;

    constructor(address[] memory owners_, uint256 threshold_) {
        require(threshold_ > 0 && threshold_ <= owners_.length, "threshold");
        _owners = owners_;
        threshold = threshold_;
    }

    function owners() external view returns (address[] memory) {
        return _owners;
    }

    /// @inheritdoc IERC1271
    function isValidSignature(bytes32 hash, bytes calldata signature) external view returns (bytes4) {
        if (signature.length != threshold * 65) return 0xffffffff;
        address[] memory seen = new address[](threshold);
        for (uint256 k; k < threshold; ++k) {
            (address signer, ECDSA.RecoverError err,) = ECDSA.tryRecoverCalldata(hash, signature[k * 65:(k + 1) * 65]);
            if (err != ECDSA.RecoverError.NoError || !_isOwner(signer)) return 0xffffffff;
            for (uint256 j; j < k; ++j) {
                if (seen[j] == signer) return 0xffffffff;
            }
            seen[k] = signer;
        }
        return IERC1271.isValidSignature.selector;
    }

    function _isOwner(address who) private view returns (bool) {
        for (uint256 i; i < _owners.length; ++i) {
            if (_owners[i] == who) return true;
        }
        return false;
    }
}
