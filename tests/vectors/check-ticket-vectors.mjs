// Checks tests/data/ticket-code-vectors.json with an implementation that shares
// no code with the C++ one: its own base45 decoder and field reader, and Node's
// built-in Ed25519 (OpenSSL). Run by CTest when Node is present.
//   node tests/vectors/check-ticket-vectors.mjs tests/data/ticket-code-vectors.json
import { readFileSync } from 'node:fs';
import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';

function base45Decode(text) {
  const out = [];
  for (let i = 0; i < text.length; i += 3) {
    const chunk = text.slice(i, i + 3);
    if (chunk.length === 1) throw new Error('base45: dangling character');
    let n = 0;
    for (let k = chunk.length - 1; k >= 0; k--) {
      const v = ALPHABET.indexOf(chunk[k]);
      if (v < 0) throw new Error(`base45: bad character ${chunk[k]}`);
      n = n * 45 + v;
    }
    if (chunk.length === 3) {
      if (n > 0xffff) throw new Error('base45: group out of range');
      out.push(n >> 8, n & 0xff);
    } else {
      if (n > 0xff) throw new Error('base45: pair out of range');
      out.push(n);
    }
  }
  return Buffer.from(out);
}

const b64url = (buf) => Buffer.from(buf).toString('base64url');
const file = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const seed = Buffer.from(file.issuer_seed_hex, 'hex');
const pub = Buffer.from(file.issuer_public_key_hex, 'hex');
const privateKey = createPrivateKey({ key: { kty: 'OKP', crv: 'Ed25519', d: b64url(seed), x: b64url(pub) }, format: 'jwk' });
const publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: b64url(pub) }, format: 'jwk' });
// The public key must be the one the seed determines.
if (createPublicKey(privateKey).export({ format: 'jwk' }).x !== b64url(pub)) throw new Error('seed/public key mismatch');

let failures = 0;
const expect = (cond, what) => { if (!cond) { failures++; console.error('FAIL:', what); } };

// The fields both versions carry at the same offsets: version, key id, event, ticket, tier,
// generation, validity window.
function expectSharedFields(payload, version, v) {
  const c = v.claims;
  expect(payload.readUInt8(0) === version, `${v.name}: version`);
  expect(payload.readUInt32BE(1) === file.key_id, `${v.name}: key id`);
  expect(payload.readUInt32BE(5) === c.event_id, `${v.name}: event_id`);
  expect(payload.readBigUInt64BE(9) === BigInt(c.ticket_id), `${v.name}: ticket_id`);
  expect(payload.readUInt8(17) === c.tier, `${v.name}: tier`);
  expect(payload.readUInt32BE(18) === c.generation, `${v.name}: generation`);
  expect(payload.readUInt32BE(22) === c.valid_from, `${v.name}: valid_from`);
  expect(payload.readUInt32BE(26) === c.valid_until, `${v.name}: valid_until`);
}

for (const v of file.vectors) {
  const code = v.code;
  expect(code.startsWith('TK1:'), `${v.name}: prefix`);
  const raw = base45Decode(code.slice(4));
  expect(raw.length === 98, `${v.name}: 98 bytes`);
  const payload = raw.subarray(0, 34);
  const signature = raw.subarray(34);
  expect(payload.toString('hex') === v.payload_hex, `${v.name}: payload bytes`);
  expect(signature.toString('hex') === v.signature_hex, `${v.name}: signature bytes`);

  const c = v.claims;
  expectSharedFields(payload, 1, v);
  expect(payload.readUInt32BE(30) === c.issued_at, `${v.name}: issued_at`);

  const message = Buffer.concat([Buffer.from(file.signature_domain, 'ascii'), payload]);
  expect(verify(null, message, publicKey, signature), `${v.name}: signature verifies`);
  expect(sign(null, message, privateKey).equals(signature), `${v.name}: deterministic signature`);
  const tampered = Buffer.from(message);
  tampered[tampered.length - 1] ^= 1;
  expect(!verify(null, tampered, publicKey, signature), `${v.name}: tampered message rejected`);
}

// Version 2: the pass (issuer-signed) and the rotating code (holder-signed over pass and step).
const rot = file.rotating;
const holderSeed = Buffer.from(rot.holder_seed_hex, 'hex');
const holderPub = Buffer.from(rot.holder_public_key_hex, 'hex');
const holderPrivate = createPrivateKey({ key: { kty: 'OKP', crv: 'Ed25519', d: b64url(holderSeed), x: b64url(holderPub) }, format: 'jwk' });
const holderPublic = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: b64url(holderPub) }, format: 'jwk' });
if (createPublicKey(holderPrivate).export({ format: 'jwk' }).x !== b64url(holderPub)) throw new Error('holder seed/public key mismatch');

for (const v of rot.vectors) {
  const code = v.code;
  expect(code.startsWith('TK2:'), `${v.name}: prefix`);
  expect(code.length === 307, `${v.name}: 307 characters`);
  const raw = base45Decode(code.slice(4));
  expect(raw.length === 202, `${v.name}: 202 bytes`);
  const pass = raw.subarray(0, 134);
  const payload = pass.subarray(0, 70);
  const issuerSig = pass.subarray(70, 134);
  const step = raw.readUInt32BE(134);
  const holderSig = raw.subarray(138);
  expect(pass.toString('hex') === v.pass_hex, `${v.name}: pass bytes`);
  expect(payload.toString('hex') === v.pass_payload_hex, `${v.name}: pass payload bytes`);
  expect(Buffer.from(v.pass_text, 'base64url').equals(pass), `${v.name}: pass text is base64url of the pass`);
  expect(!v.pass_text.includes('='), `${v.name}: pass text unpadded`);
  expect(step === v.step, `${v.name}: step`);

  expectSharedFields(payload, 2, v);
  expect(payload.readUInt32BE(30) === v.binding, `${v.name}: binding`);
  expect(payload.readUInt32BE(34) === v.expires_at, `${v.name}: expires_at`);
  expect(payload.subarray(38, 70).equals(holderPub), `${v.name}: holder key`);

  const passMessage = Buffer.concat([Buffer.from(rot.pass_signature_domain, 'ascii'), payload]);
  expect(verify(null, passMessage, publicKey, issuerSig), `${v.name}: issuer signature verifies`);
  expect(sign(null, passMessage, privateKey).equals(issuerSig), `${v.name}: deterministic issuer signature`);
  const stepBytes = Buffer.alloc(4);
  stepBytes.writeUInt32BE(step);
  const stepMessage = Buffer.concat([Buffer.from(rot.step_signature_domain, 'ascii'), pass, stepBytes]);
  expect(verify(null, stepMessage, holderPublic, holderSig), `${v.name}: holder signature verifies`);
  expect(sign(null, stepMessage, holderPrivate).equals(holderSig), `${v.name}: deterministic holder signature`);
  const nextStep = Buffer.from(stepMessage);
  nextStep[nextStep.length - 1] ^= 1;
  expect(!verify(null, nextStep, holderPublic, holderSig), `${v.name}: another step rejected`);
}

if (failures > 0) process.exit(1);
console.log(`ticket-code vectors: ${file.vectors.length} version-1 and ${rot.vectors.length} version-2 checked independently, all good`);
