// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";

/**
 * @title NotaryRegistry
 * @notice Anchors the Merkle root of a Notarium dataset once, with the EIP-712 signatures of all its
 * authors, and records when (block time) and by whom (submitter) it was anchored.
 *
 * Signed type (EIP-712, domain "Notarium" / "1" / chainId / this contract):
 *   Notarization(bytes32 root,bytes32 manifestDigest,string title,address[] authors,bytes32 supersedes)
 * The contract receives keccak256(utf8(title)) instead of the title: EIP-712 encodes a string member
 * as its hash, so the struct hash is identical and the title costs no calldata.
 *
 * Signature blob (`signatures`), one 65-byte slot per author in author order, then an optional tail:
 *   slot i = r (32) | s (32) | v (1)
 *   - v = 27 or 28: an ECDSA signature over the digest. Checked with ecrecover first; if it does not
 *     recover author i, the same 65 bytes are offered to author i's ERC-1271 `isValidSignature`
 *     (wallets whose signature is an owner's ECDSA signature).
 *   - v = 0: an ERC-1271 signature of any length stored in the tail: r = its byte offset from the
 *     start of the blob (>= 65 * authors), s = its length in bytes.
 *   - any other v: invalid.
 *
 * Storage: one slot per anchored root, `timestamp << 160 | submitter`; one more slot per superseded
 * root. Nothing per file: the gas cost is independent of the dataset's file count.
 */
contract NotaryRegistry is EIP712 {
    /// @notice keccak256 of the EIP-712 type string.
    bytes32 public constant NOTARIZATION_TYPEHASH = keccak256(
        "Notarization(bytes32 root,bytes32 manifestDigest,string title,address[] authors,bytes32 supersedes)"
    );

    uint256 private constant _SLOT_BYTES = 65;

    /// @dev root => block.timestamp << 160 | submitter; 0 = never anchored.
    mapping(bytes32 root => uint256 packed) private _anchors;

    /// @dev old root => the root that superseded it; 0 = not superseded.
    mapping(bytes32 oldRoot => bytes32 newRoot) private _successors;

    /**
     * @notice A root was anchored. `authors` are in signing order; their signatures over the EIP-712
     * digest were verified in this transaction. The signed `supersedes` is zero unless the same
     * transaction also emits `Superseded(supersedes, root)`: keeping it out of this event saves the
     * 256 gas of a zero word on every first anchoring.
     */
    event Anchored(bytes32 indexed root, bytes32 manifestDigest, bytes32 titleHash, address[] authors);

    /// @notice `oldRoot` was superseded by `newRoot` (emitted together with `Anchored(newRoot, ...)`).
    event Superseded(bytes32 indexed oldRoot, bytes32 indexed newRoot);

    /// @notice The root was anchored before; its first anchoring stands.
    error AlreadyAnchored(bytes32 root);
    /// @notice Zero is reserved for "no root" (e.g. `supersedes` of a first version).
    error ZeroRoot();
    /// @notice At least one author must sign.
    error NoAuthors();
    /// @notice `authors[index]` appears earlier in the list too.
    error DuplicateAuthor(uint256 index, address author);
    /// @notice The blob is shorter than 65 bytes per author.
    error SignaturesTooShort(uint256 minLength, uint256 length);
    /// @notice The signature of `authors[index]` does not verify (ECDSA nor ERC-1271), or its tail entry is out of bounds.
    error InvalidSignature(uint256 index, address author);
    /// @notice Only an anchored root can be superseded.
    error NotAnchored(bytes32 root);
    /// @notice Versions form a chain: a root is superseded at most once.
    error AlreadySuperseded(bytes32 root, bytes32 successor);
    /// @notice The old root's submitter must send the superseding transaction or be one of its signing authors.
    error SupersessionNotAuthorized(bytes32 oldRoot, address oldSubmitter);

    constructor() EIP712("Notarium", "1") {}

    /**
     * @notice Anchors `root` (first version: `supersedes` = 0 in the signed message).
     * @param titleHash keccak256 of the UTF-8 title.
     * @param authors author addresses in signing order; no duplicates.
     * @param signatures the blob described in the contract documentation.
     */
    function anchor(
        bytes32 root,
        bytes32 manifestDigest,
        bytes32 titleHash,
        address[] calldata authors,
        bytes calldata signatures
    ) external {
        _anchor(root, manifestDigest, titleHash, authors, signatures, bytes32(0));
    }

    /**
     * @notice Anchors `root` as the new version of the anchored `oldRoot`. The old anchor is kept as
     * it was; `supersededBy(oldRoot)` returns `root` afterwards.
     * @dev The registry stores no author list (gas), so the old anchor's submitter stands for its
     * team: it must send this transaction or sign it as an author. This stops a stranger from
     * marking someone else's dataset as superseded (and from blocking its real successor).
     */
    function supersede(
        bytes32 oldRoot,
        bytes32 root,
        bytes32 manifestDigest,
        bytes32 titleHash,
        address[] calldata authors,
        bytes calldata signatures
    ) external {
        uint256 old = _anchors[oldRoot];
        if (old == 0) revert NotAnchored(oldRoot);
        bytes32 successor = _successors[oldRoot];
        if (successor != bytes32(0)) revert AlreadySuperseded(oldRoot, successor);
        address oldSubmitter = address(uint160(old));
        if (msg.sender != oldSubmitter && !_contains(authors, oldSubmitter)) {
            revert SupersessionNotAuthorized(oldRoot, oldSubmitter);
        }
        _anchor(root, manifestDigest, titleHash, authors, signatures, oldRoot);
        _successors[oldRoot] = root;
        emit Superseded(oldRoot, root);
    }

    /**
     * @notice When and by whom `root` was anchored.
     * @return timestamp block time in unix seconds, 0 if never anchored.
     * @return submitter the account that sent the anchoring call.
     */
    function anchorOf(bytes32 root) external view returns (uint64 timestamp, address submitter) {
        uint256 packed = _anchors[root];
        return (uint64(packed >> 160), address(uint160(packed)));
    }

    /// @notice The root that superseded `root`, or zero.
    function supersededBy(bytes32 root) external view returns (bytes32) {
        return _successors[root];
    }

    /// @notice The EIP-712 digest the authors sign, for off-chain cross-checks.
    function notarizationDigest(
        bytes32 root,
        bytes32 manifestDigest,
        bytes32 titleHash,
        address[] calldata authors,
        bytes32 supersedes
    ) external view returns (bytes32) {
        return _digest(root, manifestDigest, titleHash, authors, supersedes);
    }

    /// @notice The EIP-712 domain separator of this deployment.
    function domainSeparator() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    function _anchor(
        bytes32 root,
        bytes32 manifestDigest,
        bytes32 titleHash,
        address[] calldata authors,
        bytes calldata signatures,
        bytes32 supersedes
    ) private {
        if (root == bytes32(0)) revert ZeroRoot();
        if (_anchors[root] != 0) revert AlreadyAnchored(root);
        uint256 n = authors.length;
        if (n == 0) revert NoAuthors();
        if (signatures.length < n * _SLOT_BYTES) revert SignaturesTooShort(n * _SLOT_BYTES, signatures.length);

        bytes32 digest = _digest(root, manifestDigest, titleHash, authors, supersedes);
        bool manyAuthors = n > 1;
        for (uint256 i; i < n; ++i) {
            address author = authors[i];
            if (manyAuthors && _seenBefore(root, author)) revert DuplicateAuthor(i, author);
            if (!_isValidSignature(author, digest, signatures, i, n)) revert InvalidSignature(i, author);
        }

        _anchors[root] = (block.timestamp << 160) | uint160(msg.sender);
        emit Anchored(root, manifestDigest, titleHash, authors);
    }

    function _digest(
        bytes32 root,
        bytes32 manifestDigest,
        bytes32 titleHash,
        address[] calldata authors,
        bytes32 supersedes
    ) private view returns (bytes32) {
        // EIP-712 encodes address[] as keccak256 of its 32-byte-padded elements, which is exactly the
        // calldata layout of the array body.
        bytes32 authorsHash;
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            let size := shl(5, authors.length)
            calldatacopy(ptr, authors.offset, size)
            authorsHash := keccak256(ptr, size)
        }
        return _hashTypedDataV4(
            keccak256(abi.encode(NOTARIZATION_TYPEHASH, root, manifestDigest, titleHash, authorsHash, supersedes))
        );
    }

    function _isValidSignature(address author, bytes32 digest, bytes calldata signatures, uint256 i, uint256 n)
        private
        view
        returns (bool)
    {
        uint256 slotStart = i * _SLOT_BYTES;
        bytes32 r;
        bytes32 s;
        uint8 v;
        assembly ("memory-safe") {
            let p := add(signatures.offset, slotStart)
            r := calldataload(p)
            s := calldataload(add(p, 0x20))
            v := byte(0, calldataload(add(p, 0x40)))
        }
        if (v == 0) {
            uint256 start = uint256(r);
            uint256 length = uint256(s);
            if (start < n * _SLOT_BYTES || start > signatures.length || length > signatures.length - start) {
                return false;
            }
            return SignatureChecker.isValidERC1271SignatureNowCalldata(
                author, digest, signatures[start:start + length]
            );
        }
        (address recovered, ECDSA.RecoverError err,) = ECDSA.tryRecover(digest, v, r, s);
        if (err == ECDSA.RecoverError.NoError && recovered == author) return true;
        // Only now pay for the external call: most authors are EOAs and succeed above.
        return SignatureChecker.isValidERC1271SignatureNowCalldata(author, digest, signatures[slotStart:slotStart + _SLOT_BYTES]);
    }

    /**
     * @dev Marks `author` as seen in this anchoring of `root` and tells whether it already was.
     * Transient storage (EIP-1153) keeps the duplicate check linear: the author order is signed
     * (it is the authorship order), so the list cannot be required sorted, and pairwise comparison
     * made the 11th author cost more than 8,000 gas. Marks are keyed by root, which is anchored at
     * most once, so marks left by an earlier anchoring in the same transaction never collide.
     */
    function _seenBefore(bytes32 root, address author) private returns (bool seen) {
        assembly ("memory-safe") {
            mstore(0x00, root)
            mstore(0x20, author)
            let slot := keccak256(0x00, 0x40)
            seen := tload(slot)
            tstore(slot, 1)
        }
    }

    function _contains(address[] calldata list, address item) private pure returns (bool) {
        for (uint256 i; i < list.length; ++i) {
            if (list[i] == item) return true;
        }
        return false;
    }
}
