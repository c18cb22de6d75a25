// The rotating ticket code as the holder's device makes it (docs/ticket-code.md, "Format
// version 2"): "TK2:" and base45 of (pass || step || Ed25519 signature by the device key over
// "gate-ticket-step" || pass || step). The key is a WebCrypto Ed25519 key made here and
// stored non-extractable: its secret never leaves the browser.

const BASE45 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';
const STEP_DOMAIN = new TextEncoder().encode('gate-ticket-step');
export const PASS_BYTES = 134;

export function base45(bytes) {
  let out = '';
  for (let i = 0; i + 1 < bytes.length; i += 2) {
    let n = bytes[i] * 256 + bytes[i + 1];
    for (let k = 0; k < 3; k++) {
      out += BASE45[n % 45];
      n = Math.floor(n / 45);
    }
  }
  if (bytes.length % 2 === 1) {
    const n = bytes[bytes.length - 1];
    out += BASE45[n % 45] + BASE45[Math.floor(n / 45)];
  }
  return out;
}

export function fromBase64Url(text) {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  const raw = atob(b64);
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
}

const B58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
export function base58(bytes) {
  let zeros = 0;
  while (zeros < bytes.length && bytes[zeros] === 0) zeros++;
  const digits = [];  // base 58, least significant first
  for (const byte of bytes) {
    let carry = byte;
    for (let i = 0; i < digits.length; i++) {
      carry += digits[i] * 256;
      digits[i] = carry % 58;
      carry = Math.floor(carry / 58);
    }
    while (carry > 0) {
      digits.push(carry % 58);
      carry = Math.floor(carry / 58);
    }
  }
  return '1'.repeat(zeros) + digits.reverse().map((d) => B58[d]).join('');
}

/// A new device key pair; the private key cannot be exported.
export async function makeDeviceKey() {
  let pair;
  try {
    pair = await crypto.subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify']);
  } catch {
    throw new Error('this browser cannot make the key a live ticket needs (WebCrypto Ed25519); ' +
      'open the ticket in an up-to-date browser');
  }
  const raw = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
  return { privateKey: pair.privateKey, publicKey: raw };
}

/// The step a moment falls in: 5-second slices of Unix time.
export const stepAt = (unixMs) => Math.floor(unixMs / 1000 / 5);

/// The code to show during `step`.
export async function rotatingCode(pass, step, privateKey) {
  const stepBytes = new Uint8Array(4);
  new DataView(stepBytes.buffer).setUint32(0, step);
  const message = new Uint8Array(STEP_DOMAIN.length + pass.length + 4);
  message.set(STEP_DOMAIN, 0);
  message.set(pass, STEP_DOMAIN.length);
  message.set(stepBytes, STEP_DOMAIN.length + pass.length);
  const signature = new Uint8Array(await crypto.subtle.sign('Ed25519', privateKey, message));
  const raw = new Uint8Array(pass.length + 4 + 64);
  raw.set(pass, 0);
  raw.set(stepBytes, pass.length);
  raw.set(signature, pass.length + 4);
  return 'TK2:' + base45(raw);
}
