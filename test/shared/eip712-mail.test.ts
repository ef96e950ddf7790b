import { describe, expect, it } from 'vitest';
import { TypedDataEncoder, verifyTypedData, Signature } from 'ethers';
import { NOTARIZATION_TYPES, NOTARIZATION_TYPE_STRING } from '../../shared/notary/typed-data.ts';

// The example of EIP-712 itself (https://eips.ethereum.org/EIPS/eip-712, assets/eip-712/Example.js).
const domain = { name: 'Ether Mail', version: '1', chainId: 1, verifyingContract: '0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC' };
const types = {
  Person: [
    { name: 'name', type: 'string' },
    { name: 'wallet', type: 'address' },
  ],
  Mail: [
    { name: 'from', type: 'Person' },
    { name: 'to', type: 'Person' },
    { name: 'contents', type: 'string' },
  ],
};
const mail = {
  from: { name: 'Cow', wallet: '0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826' },
  to: { name: 'Bob', wallet: '0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB' },
  contents: 'Hello, Bob!',
};

describe('EIP-712 encoding (ethers TypedDataEncoder)', () => {
  it('reproduces the digest of the EIP-712 "Mail" example', () => {
    expect(TypedDataEncoder.hash(domain, types, mail)).toBe('0xbe609aee343fb3c4b28e1df9e632fca64fcfaede20f02e86244efddf30957bd2');
  });

  it('recovers Cow from the signature published with the example', () => {
    const signature = Signature.from({
      v: 28,
      r: '0x4355c47d63924e8a72e509b65029052eb6c299d53a04e167c5775fd466751c9d',
      s: '0x07299936d304c153f6443dfa05f40ff007d72911b6f72307f996231605b91562',
    });
    expect(verifyTypedData(domain, types, mail, signature)).toBe(mail.from.wallet);
  });

  it('encodes the Notarization type as the string the contract hashes', () => {
    expect(TypedDataEncoder.from(NOTARIZATION_TYPES).encodeType('Notarization')).toBe(NOTARIZATION_TYPE_STRING);
  });
});
