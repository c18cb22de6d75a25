// The holder's page in a real browser (Debian's Chromium through playwright-core), against a
// real ticket-api, with its screenshots scanned by the real gate-scanner:
//   - a test wallet (a Wallet Standard provider whose key lives in this Node process) signs
//     in through the page, using the keyboard only;
//   - the page shows the ticket's rotating code; a screenshot of it is admitted offline;
//   - the same screenshot replayed after the window is refused `code.stale`;
//   - with the network cut the code keeps rotating and a reload still shows it (service
//     worker, IndexedDB), and the gate admits it as the same ticket;
//   - a screenshot taken before a transfer is refused once the transfer reaches the gate;
//   - the new holder sends it on by email (a real SMTP listener, aiosmtpd), and the person
//     mailed follows the mail's link to the page, signs in with their wallet and claims it.
// Prints the page's first paint with the CPU throttled 4x, its weight and the QR's size.
//   node holder_page.test.mjs --api BIN --scanner BIN --syncd BIN --out DIR [--screenshots DIR]
// Exits 77 (skipped) when /usr/bin/chromium is missing.
import { spawn, spawnSync } from 'node:child_process';
import { generateKeyPairSync, sign } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, a, i, all) => (a.startsWith('--') ? [...pairs, [a.slice(2), all[i + 1]]] : pairs), []));
const CHROMIUM = '/usr/bin/chromium';
if (!existsSync(CHROMIUM)) {
  console.log(`skipped: ${CHROMIUM} is not installed (scripts/install-deps.sh installs it)`);
  process.exit(77);
}
const out = args.out;
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

let failures = 0;
const check = (cond, what) => {
  console.log(`${cond ? 'ok  ' : 'FAIL'} ${what}`);
  if (!cond) failures++;
};

// ---- Wallets: Ed25519 keys in this process ----------------------------------------------

const B58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
function base58(bytes) {
  let n = BigInt('0x' + (Buffer.from(bytes).toString('hex') || '0'));
  let s = '';
  while (n > 0n) { s = B58[Number(n % 58n)] + s; n /= 58n; }
  for (const b of bytes) { if (b !== 0) break; s = '1' + s; }
  return s;
}
function wallet() {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x, 'base64url');
  return { raw, address: base58(raw), sign: (message) => sign(null, message, privateKey) };
}

// ---- The backend and the gate device -------------------------------------------------

function freePort() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

const organizer = wallet(), alice = wallet(), bob = wallet(), carol = wallet();
const port = await freePort();
// A real SMTP listener for the claim mail; it prints every message it receives.
const smtpPort = await freePort();
const smtpd = spawn('/usr/bin/python3', ['-u', '-m', 'aiosmtpd', '-n', '-l', `127.0.0.1:${smtpPort}`],
  { stdio: ['ignore', 'pipe', 'pipe'] });
let mails = '';
smtpd.stdout.on('data', (d) => { mails += d; });
process.on('exit', () => { if (smtpd.exitCode === null) smtpd.kill('SIGTERM'); });
await new Promise((r) => setTimeout(r, 500));
const base = `http://127.0.0.1:${port}`;
const api = spawn(args.api, [], {
  env: {
    ...process.env,
    GATE_SERVER_ADDRESS: '127.0.0.1', GATE_SERVER_PORT: String(port),
    GATE_DATABASE_PATH: join(out, 'api.db'), GATE_KEYS_MASTER_KEY_FILE: join(out, 'master.key'),
    GATE_AUTH_ORGANIZERS: organizer.address, GATE_PUBLIC_BASE_URL: base, GATE_LOG_LEVEL: 'warn',
    GATE_MAIL_SMTP_URL: `smtp://127.0.0.1:${smtpPort}`, GATE_MAIL_FROM: 'tickets@gate.test',
  },
  stdio: ['ignore', 'pipe', 'pipe'],
});
let apiOutput = '';
api.stdout.on('data', (d) => { apiOutput += d; });
api.stderr.on('data', (d) => { apiOutput += d; });
const stopApi = () => { if (api.exitCode === null) api.kill('SIGTERM'); };
process.on('exit', stopApi);
for (let i = 0; i < 200 && !apiOutput.includes('listening on'); i++) await new Promise((r) => setTimeout(r, 50));
if (!apiOutput.includes('listening on')) throw new Error(`ticket-api did not start: ${apiOutput}`);

async function call(method, path, body, token) {
  const headers = { 'Content-Type': 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  const r = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const json = await r.json();
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(json)}`);
  return json;
}
async function signIn(w) {
  const nonce = await call('POST', '/api/v1/auth/nonce', { wallet: w.address });
  const session = await call('POST', '/api/v1/auth/sign-in', {
    wallet: w.address, nonce: nonce.nonce, signature: base58(w.sign(Buffer.from(nonce.message))),
  });
  return session.token;
}

const organizerToken = await signIn(organizer);
const start = Date.now() + 3600_000;
const event = await call('POST', '/api/v1/events', {
  name: 'Harbour Lights', venue: 'Pier 4', starts_at: start, ends_at: start + 5 * 3600_000, capacity: 100,
  tiers: [{ name: 'general', price_cents: 4500 }],
}, organizerToken);
const aliceToken = await signIn(alice);
const bought = await call('POST', '/api/v1/tickets/mint', { event_id: event.id, tier: 0, payment_method: 'test' }, aliceToken);
const ticketId = bought.ticket.ticket_id;
// A second ticket, never scanned (an admitted one cannot change hands), to send by email.
const second = await call('POST', '/api/v1/tickets/mint', { event_id: event.id, tier: 0, payment_method: 'test' }, aliceToken);
const mailedId = second.ticket.ticket_id;

const device = {
  db: join(out, 'device.db'), key: join(out, 'device-key.json'), token: join(out, 'device.token'),
};
function run(program, argv, env = {}) {
  const r = spawnSync(program, argv, { env: { ...process.env, ...env }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${program} ${argv.join(' ')} failed (${r.status}): ${r.stdout}${r.stderr}`);
  return r.stdout;
}
const setup = await call('POST', '/api/v1/devices/setup-codes', { event_id: event.id, gate: 'north-1' }, organizerToken);
run(args.scanner, ['--db', device.db, 'provision', setup.setup_code, '--key-file', device.key,
  '--token-file', device.token, '--name', 'north-1-a']);
const sync = () => run(args.syncd, ['run', '--once'], {
  GATE_DEVICE_DATABASE: device.db, GATE_DEVICE_TOKEN_FILE: device.token, GATE_DEVICE_KEY_FILE: device.key,
  GATE_LOG_LEVEL: 'warn',
});
sync();

let scans = 0;
/// gate-scanner's verdict on one image, offline: "accepted ok", "rejected code.stale", ...
function scan(png, extra = []) {
  const dir = join(out, `scan-${++scans}`);
  mkdirSync(dir);
  writeFileSync(join(dir, 'shown.png'), png);
  const stdout = run(args.scanner, ['--db', device.db, 'scan', '--source', `dir:${dir}`, '--json',
    '--hold-off-ms', '0', ...extra]);
  const verdict = stdout.split('\n').map((l) => { try { return JSON.parse(l); } catch { return null; } })
    .find((v) => v && v.verdict);
  return verdict ? `${verdict.verdict} ${verdict.reason}` : 'no verdict';
}

// ---- The browser ------------------------------------------------------------------------

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
const phone = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
const shots = args.screenshots;

// First paint and weight, on a cold page with the CPU throttled 4x (DevTools throttling).
{
  const context = await browser.newContext(phone);
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  await page.goto(`${base}/holder/`, { waitUntil: 'load' });
  await page.getByRole('heading', { name: 'Sign in with your wallet' }).waitFor();
  const paint = await page.evaluate(() => {
    const entry = (name) => performance.getEntriesByName(name)[0]?.startTime ?? -1;
    return { first: entry('first-paint'), contentful: entry('first-contentful-paint') };
  });
  await page.waitForTimeout(500);
  const weight = await page.evaluate(() => {
    const entries = [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')];
    return { bytes: entries.reduce((sum, e) => sum + e.decodedBodySize, 0), files: entries.length };
  });
  console.log(`figure: first paint ${paint.first.toFixed(0)} ms, first contentful paint ${paint.contentful.toFixed(0)} ms (CPU throttled 4x, loopback)`);
  console.log(`figure: page weight ${weight.bytes} bytes in ${weight.files} files (uncompressed; the service worker then caches them)`);
  check(paint.contentful > 0, 'the page painted');
  await context.close();
}

/// A browser context (a phone) whose page sees `holder` as a Wallet Standard wallet.
async function phoneOf(holder) {
  const context = await browser.newContext(phone);
  await context.exposeFunction('testWalletSign', (b64) => holder.sign(Buffer.from(b64, 'base64')).toString('base64'));
  await context.addInitScript(({ address, publicKey }) => {
    const fromB64 = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
    const account = { address, publicKey: fromB64(publicKey), chains: ['solana:localnet'], features: ['solana:signMessage'] };
    const wallet = {
      version: '1.0.0', name: 'Test Wallet', icon: 'data:image/svg+xml;base64,PHN2Zy8+', chains: ['solana:localnet'],
      accounts: [account],
      features: {
        'standard:connect': { version: '1.0.0', connect: async () => ({ accounts: [account] }) },
        'solana:signMessage': {
          version: '1.0.0',
          signMessage: (...inputs) => Promise.all(inputs.map(async ({ message }) => ({
            signedMessage: message,
            signature: fromB64(await window.testWalletSign(btoa(String.fromCharCode(...message)))),
          }))),
        },
      },
    };
    const callback = ({ register }) => register(wallet);
    window.addEventListener('wallet-standard:app-ready', (e) => callback(e.detail));
    window.dispatchEvent(new CustomEvent('wallet-standard:register-wallet', { detail: callback }));
  }, { address: holder.address, publicKey: holder.raw.toString('base64') });
  return context;
}

const context = await phoneOf(alice);
const page = await context.newPage();
page.on('pageerror', (e) => check(false, `no script error on the page (${e.message})`));
await page.goto(`${base}/holder/`);
const signInButton = page.getByRole('button', { name: 'Sign in with Test Wallet' });
await signInButton.waitFor();
if (shots) await page.screenshot({ path: join(shots, 'holder-signin.png') });
// The keyboard alone: Tab to the wallet's button, Enter.
for (let i = 0; i < 10 && !(await signInButton.evaluate((b) => b === document.activeElement)); i++)
  await page.keyboard.press('Tab');
check(await signInButton.evaluate((b) => b === document.activeElement), 'the sign-in button is reached with Tab');
await page.keyboard.press('Enter');
const show = page.getByRole('button', { name: `Show ticket ${ticketId}, Harbour Lights` });
await show.waitFor();
check(true, 'signed in through the wallet; the ticket is listed');
if (shots) await page.screenshot({ path: join(shots, 'holder-tickets.png') });
await show.click();

const canvas = page.locator('#qr');
const codeShown = () => canvas.getAttribute('data-code');
await page.waitForFunction(() => document.getElementById('qr').dataset.code?.startsWith('TK2:'));
const version = await canvas.getAttribute('data-version');
check(version === '10', `the rotating code is a version-10 QR (got ${version})`);
await page.evaluate(() => navigator.serviceWorker.ready);
if (shots) await page.screenshot({ path: join(shots, 'holder-ticket.png') });

// A fresh screenshot is admitted; replayed after its window, it is stale.
const stepOf = async () => Number(await canvas.getAttribute('data-step'));
const fresh = await canvas.screenshot();
const freshStep = await stepOf();
check(scan(fresh) === 'accepted ok', 'a fresh screenshot of the page is admitted offline');
const staleAt = (freshStep * 5 + 10) * 1000 + 700;  // with --step-tolerance-s 0
await page.waitForTimeout(Math.max(0, staleAt - Date.now()));
check(scan(fresh, ['--step-tolerance-s', '0']) === 'rejected code.stale',
  'the same screenshot replayed after the window is code.stale');

// The network cut: the code keeps rotating, and a reload still shows it.
await context.setOffline(true);
await page.getByText('Offline: showing what this phone has').waitFor();
const before = await codeShown();
await page.waitForFunction((old) => document.getElementById('qr').dataset.code !== old, before, { timeout: 8000 });
check(true, 'offline, the page shows a new code every step');
check(scan(await canvas.screenshot()) === 'rejected entry.already_inside',
  'an offline code is the same genuine ticket (already inside)');
await page.reload();
await page.waitForFunction(() => document.getElementById('qr').dataset.code?.startsWith('TK2:'));
check(true, 'reloaded offline, the page still shows the code (service worker, IndexedDB)');
if (shots) await page.screenshot({ path: join(shots, 'holder-offline.png') });
await context.setOffline(false);

// A screenshot taken before a transfer is refused once the transfer reaches the gate.
await page.waitForFunction(() => navigator.onLine);
const beforeTransfer = await canvas.screenshot();
await page.getByText('Transfer this ticket').click();
await page.getByLabel('Wallet address or email').fill(bob.address);
await page.getByRole('button', { name: 'Transfer', exact: true }).click();
await page.getByText('Transferred.').waitFor();
sync();
check(scan(beforeTransfer) === 'rejected ticket.superseded',
  'a screenshot from before the transfer is ticket.superseded once the gate synced');

// Alice sends her second ticket by email; carol follows the mail's link, signs in with her
// wallet and claims it.
{
  await page.goto(`${base}/holder/#/`);
  await page.getByRole('button', { name: `Show ticket ${mailedId}, Harbour Lights` }).click();
  await page.waitForFunction(() => document.getElementById('qr').dataset.code?.startsWith('TK2:'));
  await page.getByText('Transfer this ticket').click();
  await page.getByLabel('Wallet address or email').fill('carol@example.com');
  await page.getByRole('button', { name: 'Transfer', exact: true }).click();
  await page.waitForFunction(() => document.getElementById('ticket-status').textContent !== '');
  const sent = await page.locator('#ticket-status').textContent();
  check(sent === 'Sent: carol@example.com gets a mail to claim it.', `the page sent the ticket by email (${sent})`);
  for (let i = 0; i < 100 && !mails.includes('Or in the ticket app:'); i++) await new Promise((r) => setTimeout(r, 50));
  const link = /Or in the ticket app: (\S+)/.exec(mails)?.[1];
  check(link !== undefined && link.startsWith(`${base}/holder/#claim=`), 'the claim mail links to the holder page');
  const carolPhone = await phoneOf(carol);
  const carolPage = await carolPhone.newPage();
  await carolPage.goto(link);
  await carolPage.getByRole('button', { name: 'Sign in with Test Wallet' }).click();
  await carolPage.getByLabel('The email address it was sent to').fill('carol@example.com');
  await carolPage.getByRole('button', { name: 'Claim' }).click();
  await carolPage.getByText(`Done: ticket ${mailedId} is yours.`).waitFor();
  const carolToken = await signIn(carol);
  const mine = await call('GET', '/api/v1/tickets/my', undefined, carolToken);
  check(mine.tickets.length === 1 && mine.tickets[0].ticket_id === mailedId && mine.tickets[0].generation === 1,
    'carol claimed the ticket through the page (generation 1)');
}

await browser.close();
stopApi();
console.log(failures === 0 ? 'holder page: every check passed' : `holder page: ${failures} check(s) failed`);
process.exit(failures === 0 ? 0 : 1);
