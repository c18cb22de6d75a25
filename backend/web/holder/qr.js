// QR code encoder for the holder's page: alphanumeric mode (the rotating ticket code is
// base45, docs/ticket-code.md), error correction M, versions 1 to 10, the mask with the
// lowest penalty. Written from ISO/IEC 18004; the page draws its matrix on a canvas.

const ALPHANUMERIC = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';

// Level M per version: error-correction codewords per block, then [blocks, data codewords
// per block] for each group.
const BLOCKS_M = [
  null,
  [10, [[1, 16]]],
  [16, [[1, 28]]],
  [26, [[1, 44]]],
  [18, [[2, 32]]],
  [24, [[2, 43]]],
  [16, [[4, 27]]],
  [18, [[4, 31]]],
  [22, [[2, 38], [2, 39]]],
  [22, [[3, 36], [2, 37]]],
  [26, [[4, 43], [1, 44]]],
];
const ALIGNMENT = [null, [], [6, 18], [6, 22], [6, 26], [6, 30], [6, 34], [6, 22, 38],
  [6, 24, 42], [6, 26, 46], [6, 28, 50]];
const REMAINDER_BITS = [0, 0, 7, 7, 7, 7, 7, 0, 0, 0, 0];
const MAX_VERSION = 10;

function dataCodewords(version) {
  return BLOCKS_M[version][1].reduce((sum, [blocks, size]) => sum + blocks * size, 0);
}

// GF(256) with the QR polynomial x^8 + x^4 + x^3 + x^2 + 1.
const EXP = new Uint8Array(512);
const LOG = new Uint8Array(256);
(() => {
  let x = 1;
  for (let i = 0; i < 255; i++) {
    EXP[i] = x;
    LOG[x] = i;
    x <<= 1;
    if (x & 0x100) x ^= 0x11d;
  }
  for (let i = 255; i < 512; i++) EXP[i] = EXP[i - 255];
})();
const gfMul = (a, b) => (a === 0 || b === 0 ? 0 : EXP[LOG[a] + LOG[b]]);

// The generator polynomial of degree n, highest power first, leading 1 left out.
function generator(n) {
  let poly = [1];
  for (let i = 0; i < n; i++) {
    const next = new Array(poly.length + 1).fill(0);
    for (let j = 0; j < poly.length; j++) {
      next[j] ^= poly[j];
      next[j + 1] ^= gfMul(poly[j], EXP[i]);
    }
    poly = next;
  }
  return poly.slice(1);
}

function errorCorrection(data, n) {
  const gen = generator(n);
  const rem = new Array(n).fill(0);
  for (const byte of data) {
    const factor = byte ^ rem.shift();
    rem.push(0);
    for (let i = 0; i < n; i++) rem[i] ^= gfMul(gen[i], factor);
  }
  return rem;
}

class BitBuffer {
  constructor() { this.bits = []; }
  put(value, length) {
    for (let i = length - 1; i >= 0; i--) this.bits.push((value >>> i) & 1);
  }
}

/// The codewords (data and error correction, interleaved) for `text` at `version`.
function codewords(text, version) {
  const bits = new BitBuffer();
  bits.put(0b0010, 4);  // alphanumeric mode
  bits.put(text.length, version <= 9 ? 9 : 11);
  for (let i = 0; i < text.length; i += 2) {
    const a = ALPHANUMERIC.indexOf(text[i]);
    if (i + 1 < text.length) bits.put(a * 45 + ALPHANUMERIC.indexOf(text[i + 1]), 11);
    else bits.put(a, 6);
  }
  const capacity = dataCodewords(version) * 8;
  bits.put(0, Math.min(4, capacity - bits.bits.length));  // terminator
  while (bits.bits.length % 8 !== 0) bits.bits.push(0);
  const data = [];
  for (let i = 0; i < bits.bits.length; i += 8) {
    let byte = 0;
    for (let j = 0; j < 8; j++) byte = (byte << 1) | bits.bits[i + j];
    data.push(byte);
  }
  for (let pad = 0xec; data.length < dataCodewords(version); pad ^= 0xec ^ 0x11) data.push(pad);

  const [ecLength, groups] = BLOCKS_M[version];
  const blocks = [];
  let at = 0;
  for (const [count, size] of groups)
    for (let b = 0; b < count; b++) {
      const block = data.slice(at, at + size);
      at += size;
      blocks.push({ data: block, ec: errorCorrection(block, ecLength) });
    }
  const out = [];
  const longest = Math.max(...blocks.map((b) => b.data.length));
  for (let i = 0; i < longest; i++)
    for (const b of blocks) if (i < b.data.length) out.push(b.data[i]);
  for (let i = 0; i < ecLength; i++) for (const b of blocks) out.push(b.ec[i]);
  return out;
}

function bitsNeeded(text, version) {
  return 4 + (version <= 9 ? 9 : 11) + Math.floor(text.length / 2) * 11 + (text.length % 2) * 6;
}

class Matrix {
  constructor(version) {
    this.size = version * 4 + 17;
    this.dark = new Uint8Array(this.size * this.size);
    this.reserved = new Uint8Array(this.size * this.size);
  }
  set(x, y, dark, reserve = true) {
    this.dark[y * this.size + x] = dark ? 1 : 0;
    if (reserve) this.reserved[y * this.size + x] = 1;
  }
  get(x, y) { return this.dark[y * this.size + x] === 1; }
  isReserved(x, y) { return this.reserved[y * this.size + x] === 1; }
}

function drawFunctionPatterns(m, version) {
  const n = m.size;
  // Finder patterns with their separators.
  for (const [cx, cy] of [[3, 3], [n - 4, 3], [3, n - 4]])
    for (let dy = -4; dy <= 4; dy++)
      for (let dx = -4; dx <= 4; dx++) {
        const x = cx + dx, y = cy + dy;
        if (x < 0 || y < 0 || x >= n || y >= n) continue;
        const ring = Math.max(Math.abs(dx), Math.abs(dy));
        m.set(x, y, ring !== 2 && ring !== 4);
      }
  // Timing patterns.
  for (let i = 8; i < n - 8; i++) {
    m.set(6, i, i % 2 === 0);
    m.set(i, 6, i % 2 === 0);
  }
  // Alignment patterns, except where they would overlap a finder.
  const pos = ALIGNMENT[version];
  for (const cy of pos)
    for (const cx of pos) {
      if ((cx === 6 && cy === 6) || (cx === 6 && cy === n - 7) || (cx === n - 7 && cy === 6))
        continue;
      for (let dy = -2; dy <= 2; dy++)
        for (let dx = -2; dx <= 2; dx++)
          m.set(cx + dx, cy + dy, Math.max(Math.abs(dx), Math.abs(dy)) !== 1);
    }
  // Reserve the format areas (written after masking) and the dark module; the timing
  // modules at (8, 6) and (6, 8) stay as they are.
  for (let i = 0; i < 9; i++) {
    if (i === 6) continue;
    m.set(8, i, false);
    m.set(i, 8, false);
  }
  for (let i = 0; i < 8; i++) {
    m.set(n - 1 - i, 8, false);
    m.set(8, n - 1 - i, false);
  }
  m.set(8, n - 8, true);
  if (version >= 7) {
    let rem = version;
    for (let i = 0; i < 12; i++) rem = (rem << 1) ^ ((rem >>> 11) * 0x1f25);
    const bits = (version << 12) | rem;
    for (let i = 0; i < 18; i++) {
      const dark = ((bits >>> i) & 1) === 1;
      const a = n - 11 + (i % 3), b = Math.floor(i / 3);
      m.set(a, b, dark);
      m.set(b, a, dark);
    }
  }
}

function placeData(m, words, version) {
  const bits = [];
  for (const w of words) for (let i = 7; i >= 0; i--) bits.push((w >>> i) & 1);
  for (let i = 0; i < REMAINDER_BITS[version]; i++) bits.push(0);
  let next = 0;
  const n = m.size;
  let upward = true;
  for (let right = n - 1; right >= 1; right -= 2) {
    if (right === 6) right = 5;  // the vertical timing column is skipped
    for (let step = 0; step < n; step++) {
      const y = upward ? n - 1 - step : step;
      for (const x of [right, right - 1]) {
        if (m.isReserved(x, y)) continue;
        m.set(x, y, next < bits.length && bits[next] === 1, false);
        next++;
      }
    }
    upward = !upward;
  }
}

const MASKS = [
  (x, y) => (x + y) % 2 === 0,
  (x, y) => y % 2 === 0,
  (x, y) => x % 3 === 0,
  (x, y) => (x + y) % 3 === 0,
  (x, y) => (Math.floor(y / 2) + Math.floor(x / 3)) % 2 === 0,
  (x, y) => ((x * y) % 2) + ((x * y) % 3) === 0,
  (x, y) => (((x * y) % 2) + ((x * y) % 3)) % 2 === 0,
  (x, y) => (((x + y) % 2) + ((x * y) % 3)) % 2 === 0,
];

function applyMask(m, mask) {
  for (let y = 0; y < m.size; y++)
    for (let x = 0; x < m.size; x++)
      if (!m.isReserved(x, y) && MASKS[mask](x, y)) m.dark[y * m.size + x] ^= 1;
}

function drawFormat(m, mask) {
  const data = (0b00 << 3) | mask;  // level M is 00
  let rem = data;
  for (let i = 0; i < 10; i++) rem = (rem << 1) ^ ((rem >>> 9) * 0x537);
  const bits = ((data << 10) | rem) ^ 0x5412;
  const bit = (i) => ((bits >>> i) & 1) === 1;
  const n = m.size;
  // Around the top-left finder: bits 0-7 down column 8, 8-14 leftwards along row 8.
  const column = [0, 1, 2, 3, 4, 5, 7, 8];
  for (let i = 0; i < 8; i++) m.set(8, column[i], bit(i));
  const row = [7, 5, 4, 3, 2, 1, 0];
  for (let i = 8; i < 15; i++) m.set(row[i - 8], 8, bit(i));
  // The copy: bits 0-7 along row 8 from the right edge, 8-14 up column 8 from the bottom.
  for (let i = 0; i < 8; i++) m.set(n - 1 - i, 8, bit(i));
  for (let i = 8; i < 15; i++) m.set(8, n - 15 + i, bit(i));
  m.set(8, n - 8, true);
}

function penalty(m) {
  const n = m.size;
  let score = 0;
  const line = (get) => {
    // Runs of five or more, and the finder-like 1:1:3:1:1 with four light modules beside it.
    let run = 1;
    for (let i = 1; i <= n; i++) {
      if (i < n && get(i) === get(i - 1)) run++;
      else {
        if (run >= 5) score += 3 + run - 5;
        run = 1;
      }
    }
    const finder = [1, 0, 1, 1, 1, 0, 1];
    for (let i = 0; i + 7 <= n; i++) {
      if (!finder.every((v, k) => get(i + k) === (v === 1))) continue;
      const lightBefore = [1, 2, 3, 4].every((k) => i - k < 0 || !get(i - k));
      const lightAfter = [0, 1, 2, 3].every((k) => i + 7 + k >= n || !get(i + 7 + k));
      if (lightBefore || lightAfter) score += 40;
    }
  };
  for (let y = 0; y < n; y++) line((x) => m.get(x, y));
  for (let x = 0; x < n; x++) line((y) => m.get(x, y));
  for (let y = 0; y + 1 < n; y++)
    for (let x = 0; x + 1 < n; x++) {
      const c = m.get(x, y);
      if (c === m.get(x + 1, y) && c === m.get(x, y + 1) && c === m.get(x + 1, y + 1)) score += 3;
    }
  let dark = 0;
  for (const v of m.dark) dark += v;
  score += Math.floor(Math.abs((dark * 100) / (n * n) - 50) / 5) * 10;
  return score;
}

/// The QR symbol for `text` (QR alphanumeric characters only) at level M: {version, size,
/// dark(x, y)}. Throws for text outside the alphabet or longer than version 10 holds.
export function encodeQr(text) {
  for (const ch of text)
    if (!ALPHANUMERIC.includes(ch)) throw new Error(`not a QR alphanumeric character: ${ch}`);
  let version = 1;
  while (version <= MAX_VERSION && bitsNeeded(text, version) > dataCodewords(version) * 8)
    version++;
  if (version > MAX_VERSION) throw new Error(`${text.length} characters do not fit version 10-M`);
  const words = codewords(text, version);
  let best = null;
  for (let mask = 0; mask < 8; mask++) {
    const m = new Matrix(version);
    drawFunctionPatterns(m, version);
    placeData(m, words, version);
    applyMask(m, mask);
    drawFormat(m, mask);
    const score = penalty(m);
    if (!best || score < best.score) best = { m, score, mask };
  }
  const { m, mask } = best;
  return { version, size: m.size, mask, dark: (x, y) => m.get(x, y) };
}
