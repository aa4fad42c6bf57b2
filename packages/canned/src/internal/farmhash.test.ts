import { describe, expect, it } from 'vitest';
import { DEFAULT_HASH_KEY, fingerprint64, hashedCross, stringToHashBucketFast } from './farmhash.js';

const utf8 = (s: string) => new TextEncoder().encode(s);

describe('fingerprint64 (FarmHash farmhashna::Hash64)', () => {
  // Published test vectors of FarmHash's Fingerprint64 (tecnickcom/farmhash64's test table, the Go hash test
  // strings), one or more per length branch: 0, 1-3, 4-7, 8-16, 17-32, 33-64, > 64 bytes.
  const vectors: [string, bigint][] = [
    ['', 0x9ae16a3b2f90404fn],
    ['a', 0xb3454265b6df75e3n],
    ['abc', 0x24a5b3a074e7f369n],
    ['abcd', 0x1a5502de4a1f8101n],
    ['abcdefg', 0x3c40c92b1ccb7355n],
    ['abcdefgh', 0xfee9d22990c82909n],
    ['0123456789', 0xad052244b781c4ebn],
    ["0123456789'01234", 0x4283d4ef43627f64n],
    ['0123456789=012345', 0x46a7416ed4861e3bn],
    ['0123456789$0123456789!0', 0xd78d5f852d522e6an],
    ['C is as portable as Stonehedge!!', 0xb944f8a16261e414n],
    ['Discard medicine more than two years old.', 0xe8f89ab6df9bdd25n],
    ['The days of the digital watch are numbered.  -Tom Stoppard', 0x2a578b80bb82147cn],
    ['For every action there is an equal and opposite government program.', 0x55182f8859eca4cen],
    [
      'The fugacity of a constituent in a mixture of gases at a given temperature is proportional to its mole fraction.  Lewis-Randall Rule',
      0x098eff6958c5e91an,
    ],
    [
      'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat. Duis aute irure dolor in reprehenderit in voluptate velit esse cillum dolore eu fugiat nulla pariatur. Excepteur sint occaecat cupidatat non proident, sunt in culpa qui officia deserunt mollit anim id est laborum.',
      0xc3f02c4ffd5d71e6n,
    ],
  ];
  it.each(vectors)('fingerprint64(%j)', (s, expected) => {
    expect(fingerprint64(utf8(s)).toString(16)).toBe(expected.toString(16));
  });

  it("matches TF's documented StringToHashBucketFast example", () => {
    // tf.strings.to_hash_bucket_fast(["Hello", "TensorFlow", "2.x"], 3) → [0, 2, 2] (TF API docs).
    expect(['Hello', 'TensorFlow', '2.x'].map((s) => stringToHashBucketFast(s, 3))).toEqual([0, 2, 2]);
  });
});

describe('hashedCross (TF SparseCrossHashed)', () => {
  // TF's sparse_cross_op_test.py checks these outputs "to prevent unintentional hashing changes" (num_buckets 0).
  const values = ['batch1-FC1-F1', 'batch1-FC2-F1', 'batch1-FC3-F1'];
  it('matches TF with the default hash key', () => {
    expect(hashedCross(values, 0)).toBe(1971693436396284976n);
  });
  it('matches TF with hash_key = default + 1', () => {
    expect(hashedCross(values, 0, DEFAULT_HASH_KEY + 1n)).toBe(4847552627144134031n);
  });
});
