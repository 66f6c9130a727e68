/**
 * The create marker: the label a key carries between its POST and the PUT that gives it its
 * declared label. It is this package's prefix, the instant of the POST and a random nonce, so:
 * - a create whose outcome is unknown finds its own key by the whole marker, never another's (no
 *   other stack, person or create produces the same 80-bit nonce);
 * - any key that still carries a marker is, by construction, a create of this package in progress
 *   or its orphan, and the instant in it tells the two apart (`linode-objkey untracked`).
 * Labels are Linode's only free-form field on a key, and the API records no creation time, hence
 * both live in the label. Pure apart from the nonce's randomness.
 *
 * @packageDocumentation
 */
import { randomBytes } from "node:crypto";

/** Every marker starts with this; a declared label may not (see validation.ts). */
export const CREATE_MARKER_PREFIX = "pulumi-objkey-create-";

const BASE32 = "abcdefghijklmnopqrstuvwxyz234567";
/** Prefix, 9 base-36 digits of epoch milliseconds, a dash, 16 base-32 characters of nonce: 47 characters, within Linode's 50. */
const MARKER = /^pulumi-objkey-create-([0-9a-z]{9})-([a-z2-7]{16})$/;

/** A fresh marker for a POST sent at `at` (epoch milliseconds). */
export function createMarker(at: number, nonce: Uint8Array = randomBytes(10)): string {
  let bits = 0;
  let value = 0;
  let out = "";
  for (const byte of nonce) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return `${CREATE_MARKER_PREFIX}${Math.floor(at).toString(36).padStart(9, "0")}-${out.slice(0, 16)}`;
}

/** When the POST that made a key with this label was sent, if the label is a marker; else `undefined`. */
export function markerInstant(label: string): number | undefined {
  const m = MARKER.exec(label);
  return m ? parseInt(m[1], 36) : undefined;
}
