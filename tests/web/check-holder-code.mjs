// The holder page's own code maker (backend/web/holder/rotating.js, qr.js) against the
// published vectors (tests/data/ticket-code-vectors.json): the same pass and holder key
// must give exactly the published rotating codes. With an output directory it also writes
// QR images (PGM) of the vectors and of texts of every length up to a rotating code's, for
// backend_tests to read back with ZXing.
//   node tests/web/check-holder-code.mjs VECTORS.json [OUTDIR]
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeQr } from '../../backend/web/holder/qr.js';
import { base45, base58, fromBase64Url, rotatingCode, stepAt } from '../../backend/web/holder/rotating.js';

const [vectorsPath, outDir] = process.argv.slice(2);
const file = JSON.parse(readFileSync(vectorsPath, 'utf8'));
const rot = file.rotating;
let failures = 0;
const expect = (cond, what) => { if (!cond) { failures++; console.error('FAIL:', what); } };

const holderSeed = Buffer.from(rot.holder_seed_hex, 'hex');
const holderPub = Buffer.from(rot.holder_public_key_hex, 'hex');
const key = await crypto.subtle.importKey(
  'jwk', { kty: 'OKP', crv: 'Ed25519', d: holderSeed.toString('base64url'), x: holderPub.toString('base64url') },
  { name: 'Ed25519' }, false, ['sign']);
expect(base58(holderPub) === rot.holder_public_key_base58, 'base58 of the holder key');
expect(base58(new Uint8Array([0, 0, 1])) === '112', 'base58 keeps leading zero bytes');
expect(stepAt(1767229200000) === 353445840 && stepAt(1767229204999) === 353445840, 'steps');
for (const v of rot.vectors) {
  const pass = fromBase64Url(v.pass_text);
  expect(Buffer.from(pass).toString('hex') === v.pass_hex, `${v.name}: pass from its text`);
  expect((await rotatingCode(pass, v.step, key)) === v.code, `${v.name}: the rotating code`);
  expect(encodeQr(v.code).version === 10, `${v.name}: QR version 10`);
}
for (const v of file.vectors) expect(encodeQr(v.code).version === 6, `${v.name}: QR version 6`);
expect(base45(Buffer.from('AB')) === 'BB8', 'base45 of "AB" (RFC 9285)');
let threw = false;
try { encodeQr('lower case'); } catch { threw = true; }
expect(threw, 'text outside the alphanumeric set is refused');

if (outDir) {
  mkdirSync(outDir, { recursive: true });
  const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';
  const texts = [...rot.vectors.map((v) => v.code), ...file.vectors.map((v) => v.code)];
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648);
  for (const length of [1, 2, 9, 20, 25, 47, 77, 114, 122, 154, 195, 224, 262, 263, 300, 311]) {
    let t = '';
    while (t.length < length) t += alphabet[next() % alphabet.length];
    texts.push(t);
  }
  texts.forEach((text, k) => {
    const qr = encodeQr(text);
    const px = 3, quiet = 4, n = (qr.size + 2 * quiet) * px;
    const pixels = Buffer.alloc(n * n, 255);
    for (let y = 0; y < qr.size; y++)
      for (let x = 0; x < qr.size; x++)
        if (qr.dark(x, y))
          for (let dy = 0; dy < px; dy++)
            pixels.fill(0, ((y + quiet) * px + dy) * n + (x + quiet) * px, ((y + quiet) * px + dy) * n + (x + quiet + 1) * px);
    const name = `qr-${String(k).padStart(2, '0')}-v${qr.version}`;
    writeFileSync(join(outDir, `${name}.pgm`), Buffer.concat([Buffer.from(`P5 ${n} ${n} 255\n`), pixels]));
    writeFileSync(join(outDir, `${name}.txt`), text);
  });
  console.log(`wrote ${texts.length} QR images to ${outDir}`);
}
if (failures > 0) process.exit(1);
console.log('holder page code maker: every vector reproduced');
