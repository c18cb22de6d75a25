// The holder's page: sign in with a Solana wallet (Wallet Standard `solana:signMessage`,
// the API's nonce flow), list my tickets, show one as a rotating code that changes every
// 5 s, transfer it, claim one sent by email. A ticket opened once keeps working offline:
// its pass and this phone's key stay in IndexedDB, the page's files in the service worker.
import { encodeQr } from './qr.js';
import { base58, fromBase64Url, makeDeviceKey, rotatingCode, stepAt } from './rotating.js';

const $ = (id) => document.getElementById(id);
const RENEW_BEFORE_MS = 24 * 3600 * 1000;  // a pass this close to its end is renewed online
const state = {
  token: sessionStorage.getItem('token'),
  wallets: [],
  timer: null,
  events: new Map(),
};

// ---- The API ------------------------------------------------------------------------

class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

async function api(method, path, body) {
  const headers = {};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (state.token) headers.Authorization = `Bearer ${state.token}`;
  const response = await fetch(path, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = answer.error || {};
    // An expired session: forget it; the caller decides (a ticket still shows its pass).
    if (response.status === 401 && path !== '/api/v1/auth/sign-in') forgetSession();
    throw new ApiError(response.status, error.code || 'http_' + response.status,
      error.message || `the server answered ${response.status}`);
  }
  return answer;
}

// ---- What this phone keeps: passes and their keys (IndexedDB) ------------------------

function openStore() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open('gate-holder', 1);
    request.onupgradeneeded = () => request.result.createObjectStore('passes', { keyPath: 'ticket_id' });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function stored(mode, action) {
  const db = await openStore();
  return new Promise((resolve, reject) => {
    const tx = db.transaction('passes', mode);
    const request = action(tx.objectStore('passes'));
    tx.oncomplete = () => resolve(request.result);
    tx.onerror = () => reject(tx.error);
  });
}
const loadPass = (id) => stored('readonly', (s) => s.get(id));
const allPasses = () => stored('readonly', (s) => s.getAll());
const savePass = (p) => stored('readwrite', (s) => s.put(p));
const dropPass = (id) => stored('readwrite', (s) => s.delete(id));

// ---- Wallets (Wallet Standard) --------------------------------------------------------

function watchWallets() {
  const register = (...wallets) => {
    for (const w of wallets)
      if (!state.wallets.includes(w) && w.features && w.features['solana:signMessage'])
        state.wallets.push(w);
    renderWallets();
    return () => {};
  };
  window.addEventListener('wallet-standard:register-wallet', (event) => event.detail({ register }));
  window.dispatchEvent(new CustomEvent('wallet-standard:app-ready', { detail: { register } }));
}

function renderWallets() {
  const box = $('wallets');
  box.replaceChildren();
  if (state.wallets.length === 0) {
    box.textContent = 'No wallet found in this browser. Install a Solana wallet, then reload.';
    return;
  }
  for (const wallet of state.wallets) {
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = `Sign in with ${wallet.name}`;
    button.addEventListener('click', () => signIn(wallet));
    box.append(button);
  }
}

async function signIn(wallet) {
  const status = $('signin-status');
  status.textContent = 'Waiting for the wallet...';
  try {
    const { accounts } = await wallet.features['standard:connect'].connect();
    const account = accounts[0];
    const nonce = await api('POST', '/api/v1/auth/nonce', { wallet: account.address });
    const [signed] = await wallet.features['solana:signMessage'].signMessage({
      account, message: new TextEncoder().encode(nonce.message),
    });
    const session = await api('POST', '/api/v1/auth/sign-in', {
      wallet: account.address, nonce: nonce.nonce, signature: base58(signed.signature),
    });
    state.token = session.token;
    sessionStorage.setItem('token', session.token);
    status.textContent = '';
    route();
  } catch (error) {
    status.textContent = `Sign-in failed: ${error.message}`;
  }
}

function forgetSession() {
  state.token = null;
  sessionStorage.removeItem('token');
}

function signOut() {
  forgetSession();
  route();
}

// ---- Views ----------------------------------------------------------------------------

function show(view) {
  for (const id of ['view-signin', 'view-list', 'view-ticket', 'view-claim'])
    $(id).hidden = id !== view;
  if (view !== 'view-ticket') stopCode();
}

async function eventOf(id) {
  if (!state.events.has(id)) state.events.set(id, await api('GET', `/api/v1/events/${id}`));
  return state.events.get(id);
}

function describe(ticket, event) {
  const tier = (event.tiers || []).find((t) => t.tier === ticket.tier);
  const when = new Date(event.starts_at).toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' });
  return {
    title: event.name,
    meta: `${event.venue} · ${when} · ${tier ? tier.name : 'tier ' + ticket.tier} · ticket ${ticket.ticket_id}`,
  };
}

async function showList() {
  show('view-list');
  const list = $('tickets');
  const status = $('list-status');
  list.replaceChildren();
  let items = [];
  if (navigator.onLine) {
    try {
      const { tickets } = await api('GET', '/api/v1/tickets/my');
      for (const t of tickets) items.push({ ticket: t, ...describe(t, await eventOf(t.event_id)) });
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) return route();  // sign in again
      status.textContent = `Could not load your tickets: ${error.message}`;
    }
  } else {
    items = (await allPasses()).map((p) => ({ ticket: { ticket_id: p.ticket_id }, title: p.title, meta: p.meta }));
  }
  status.textContent = items.length === 0 && !status.textContent ? 'No tickets yet.' : status.textContent;
  for (const item of items) {
    const li = document.createElement('li');
    const h = document.createElement('h3');
    h.textContent = item.title;
    const p = document.createElement('p');
    p.textContent = item.meta;
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = 'Show ticket';
    button.setAttribute('aria-label', `Show ticket ${item.ticket.ticket_id}, ${item.title}`);
    button.addEventListener('click', () => { location.hash = `#/ticket/${item.ticket.ticket_id}`; });
    li.append(h, p, button);
    list.append(li);
  }
}

/// The pass to show: the stored one, or (online) a new one bound to this phone's key.
async function passFor(id) {
  let pass = await loadPass(id);
  if (!navigator.onLine || !state.token) return pass;
  const { tickets } = await api('GET', '/api/v1/tickets/my');
  const ticket = tickets.find((t) => t.ticket_id === id);
  if (!ticket) {
    if (pass) await dropPass(id);  // transferred away
    throw new Error('this ticket is not yours any more');
  }
  const fresh = pass && pass.generation === ticket.generation && pass.binding === ticket.binding &&
    pass.expires_at * 1000 - Date.now() > RENEW_BEFORE_MS;
  if (fresh) return pass;
  const key = pass ? { privateKey: pass.privateKey, publicKey: pass.publicKey } : await makeDeviceKey();
  const answer = await api('POST', `/api/v1/tickets/${id}/pass`, { holder_key: base58(key.publicKey) });
  pass = {
    ticket_id: id,
    pass: fromBase64Url(answer.pass),
    privateKey: key.privateKey,
    publicKey: key.publicKey,
    binding: answer.binding,
    generation: answer.generation,
    expires_at: answer.expires_at,
    offset_ms: answer.server_time - Date.now(),
    ...describe(ticket, await eventOf(ticket.event_id)),
  };
  await savePass(pass);
  return pass;
}

async function showTicket(id) {
  show('view-ticket');
  const status = $('ticket-status');
  status.textContent = 'Opening the ticket...';
  $('ticket-title').textContent = '';
  $('ticket-meta').textContent = '';
  $('transfer-box').open = false;  // each ticket starts with its transfer form closed
  $('to').value = '';
  let pass;
  try {
    pass = await passFor(id);
  } catch (error) {
    // The server unreachable (or answering errors): the pass this phone holds still works.
    pass = error instanceof ApiError && error.status === 404 ? undefined : await loadPass(id);
    status.textContent = pass ? `Showing the code this phone holds (${error.message}).` : error.message;
    if (!pass) return;
  }
  if (!pass) {
    status.textContent = 'Open this ticket once while online; after that it works offline.';
    return;
  }
  if (status.textContent === 'Opening the ticket...') status.textContent = '';
  $('ticket-title').textContent = pass.title;
  $('ticket-meta').textContent = pass.meta;
  $('main').focus();
  startCode(pass);
}

function draw(canvas, text) {
  const qr = encodeQr(text);
  const quiet = 4, scale = 6;
  const n = (qr.size + 2 * quiet) * scale;
  canvas.width = n;
  canvas.height = n;
  const g = canvas.getContext('2d');
  g.fillStyle = '#fff';
  g.fillRect(0, 0, n, n);
  g.fillStyle = '#000';
  for (let y = 0; y < qr.size; y++)
    for (let x = 0; x < qr.size; x++)
      if (qr.dark(x, y)) g.fillRect((x + quiet) * scale, (y + quiet) * scale, scale, scale);
  canvas.dataset.code = text;
  canvas.dataset.version = String(qr.version);
}

function startCode(pass) {
  stopCode();
  let shown = -1;
  const tick = async () => {
    const now = Date.now() + pass.offset_ms;  // the server's clock, as of the pass
    const step = stepAt(now);
    const left = 5 - Math.floor((now / 1000) % 5);
    $('countdown').textContent = `Live code: changes every 5 s (next in ${left} s). Valid until ${new Date(pass.expires_at * 1000).toLocaleDateString()}.`;
    if (step === shown) return;
    shown = step;
    draw($('qr'), await rotatingCode(pass.pass, step, pass.privateKey));
    $('qr').dataset.step = String(step);
  };
  tick();
  state.timer = setInterval(tick, 250);
}

function stopCode() {
  if (state.timer) clearInterval(state.timer);
  state.timer = null;
}

async function transfer(event) {
  event.preventDefault();
  const id = location.hash.slice('#/ticket/'.length);
  const to = $('to').value.trim();
  const status = $('ticket-status');
  try {
    await api('POST', `/api/v1/tickets/${id}/transfer`, to.includes('@') ? { to_email: to } : { to_wallet: to });
    await dropPass(id);
    status.textContent = to.includes('@') ? `Sent: ${to} gets a mail to claim it.` : 'Transferred.';
    stopCode();
    $('qr').getContext('2d').clearRect(0, 0, $('qr').width, $('qr').height);
  } catch (error) {
    status.textContent = `Not transferred: ${error.message}`;
  }
}

async function claim(event) {
  event.preventDefault();
  const params = new URLSearchParams(location.hash.slice(1));
  const status = $('claim-status');
  try {
    const answer = await api('POST', '/api/v1/tickets/claim', {
      reference: params.get('claim'), email: $('claim-email').value.trim(), code: $('claim-code').value.trim(),
    });
    status.textContent = `Done: ticket ${answer.ticket.ticket_id} is yours.`;
  } catch (error) {
    status.textContent = `Not claimed: ${error.message}`;
  }
}

function route() {
  const hash = location.hash;
  if (hash.startsWith('#claim=')) {
    const params = new URLSearchParams(hash.slice(1));
    $('claim-code').value = params.get('code') || '';
    if (!state.token) {
      show('view-signin');
      $('view-claim').hidden = false;
      $('claim').querySelector('button').disabled = true;
      return;
    }
    $('claim').querySelector('button').disabled = false;
    return show('view-claim');
  }
  if (hash.startsWith('#/ticket/')) return showTicket(hash.slice('#/ticket/'.length));
  if (!state.token && navigator.onLine) return show('view-signin');
  return showList();
}

function watchNetwork() {
  const update = () => { $('network').hidden = navigator.onLine; };
  window.addEventListener('online', update);
  window.addEventListener('offline', update);
  update();
}

$('signout').addEventListener('click', signOut);
$('back').addEventListener('click', () => { location.hash = '#/'; });
$('transfer').addEventListener('submit', transfer);
$('claim').addEventListener('submit', claim);
window.addEventListener('hashchange', route);
watchNetwork();
watchWallets();
route();
if ('serviceWorker' in navigator) navigator.serviceWorker.register('sw.js', { scope: './' }).catch(() => {});
