// Key shares by group, on top of any provider's classical (EC)DH: the hybrid
// post-quantum group is built from the provider's X25519, so every provider
// gets it by routing its keyShare/acceptKeyShare through here.
import { hybridClientShare, hybridServerShare, X25519MLKEM768, type ClassicalParts } from './hybrid-kem.js';
import type { KeyShare } from './provider.js';

export function isHybridGroup(group: number): boolean {
  return group === X25519MLKEM768;
}

export function keyShareFor(parts: ClassicalParts, group: number): KeyShare {
  return isHybridGroup(group) ? hybridClientShare(parts) : parts.keyShare(group);
}

export function acceptKeyShareFor(
  parts: ClassicalParts,
  group: number,
  peer: Uint8Array,
): { publicKey: Uint8Array; secret: Uint8Array } | null {
  if (isHybridGroup(group)) return hybridServerShare(parts, peer);
  const mine = parts.keyShare(group);
  const secret = mine.derive(peer);
  return secret ? { publicKey: mine.publicKey, secret } : null;
}
