// A local stand-in for the part of Stripe's REST API that ticket-api uses, built from
// Stripe's documented requests and objects: PaymentIntents (create, retrieve, cancel),
// Refunds (create, retrieve), form-encoded bodies, Bearer secret keys, Idempotency-Key
// replays, the documented error shapes, and webhooks whose Stripe-Signature header is made
// by the official `stripe` package (stripe.webhooks.generateTestHeaderString), so
// ticket-api's signature check is tested against someone else's code.
//
//   node server.mjs --api-key sk_test_... --webhook-secret whsec_... [--webhook-url URL]
//
// Prints "PORT <n>" once it listens on 127.0.0.1. What a buyer's browser and Stripe's own
// timing would do is driven through /_test/ routes (no key needed; see README.md here).
import http from 'node:http';
import crypto from 'node:crypto';
import Stripe from 'stripe';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, arg, i, all) => {
    if (arg.startsWith('--')) pairs.push([arg.slice(2), all[i + 1]]);
    return pairs;
  }, []));
const apiKey = args['api-key'];
const webhookSecret = args['webhook-secret'];
if (!apiKey || !webhookSecret) {
  console.error('usage: node server.mjs --api-key sk_test_... --webhook-secret whsec_... [--webhook-url URL]');
  process.exit(2);
}
const stripe = new Stripe(apiKey);

const state = {
  webhookUrl: args['webhook-url'] || '',
  intents: new Map(),
  refunds: new Map(),
  idempotency: new Map(),  // key -> {fingerprint, status, body}
  requests: [],            // what ticket-api sent, for the tests
  events: [],              // every event made, with its deliveries
  mode: {
    down: false,                 // drop every API connection without an answer
    refundStatus: 'succeeded',   // what a new refund is: succeeded | pending | failed
    deliver: true,               // send webhooks (false: keep them for /_test/deliver)
    succeedOnCreate: false,      // the buyer pays before the create call's answer arrives
  },
};

const id = (prefix) => `${prefix}_${crypto.randomBytes(12).toString('hex')}`;
const now = () => Math.floor(Date.now() / 1000);

// Stripe's form encoding: a[b]=c nests; repeated plain keys are not used by ticket-api.
function parseForm(text) {
  const out = {};
  for (const [key, value] of new URLSearchParams(text)) {
    const m = /^([^[\]]+)\[([^[\]]+)\]$/.exec(key);
    if (m) {
      out[m[1]] = out[m[1]] && typeof out[m[1]] === 'object' ? out[m[1]] : {};
      out[m[1]][m[2]] = value;
    } else {
      out[key] = value;
    }
  }
  return out;
}

function stripeError(status, type, message, extra = {}) {
  return { status, body: { error: { type, message, ...extra } } };
}

function makeEvent(type, object) {
  const event = {
    id: id('evt'),
    object: 'event',
    api_version: '2024-06-20',
    created: now(),
    livemode: false,
    pending_webhooks: 1,
    type,
    data: { object: structuredClone(object) },
  };
  const record = { event, payload: JSON.stringify(event), deliveries: [] };
  state.events.push(record);
  return record;
}

// One delivery of a stored event, optionally spoiled the ways an attacker or a wrong
// set-up would: { tamper: 'payload' | 'secret' | 'old' | 'future' | 'extra-v1' | 'no-v1' }.
async function deliver(record, spoil = {}) {
  if (!state.webhookUrl) return { status: 0, body: 'no webhook url' };
  let payload = record.payload;
  let timestamp = now();
  let secret = webhookSecret;
  if (spoil.tamper === 'secret') secret = 'whsec_not_the_endpoints_secret';
  if (spoil.tamper === 'old') timestamp -= 3600;
  if (spoil.tamper === 'future') timestamp += 3600;
  let header = stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp });
  if (spoil.tamper === 'payload') payload = payload.replace('"livemode":false', '"livemode":true ');
  if (spoil.tamper === 'extra-v1')  // a rolled secret: an unknown v1 beside the right one
    header = header.replace(',v1=', `,v1=${'0'.repeat(64)},v1=`);
  if (spoil.tamper === 'no-v1') header = header.replace(/,v1=[0-9a-f]+/, '');
  try {
    const answer = await fetch(state.webhookUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json; charset=utf-8', 'Stripe-Signature': header },
      body: payload,
    });
    const result = { status: answer.status, body: await answer.text(), tamper: spoil.tamper || null };
    record.deliveries.push(result);
    return result;
  } catch (e) {
    const result = { status: 0, body: String(e), tamper: spoil.tamper || null };
    record.deliveries.push(result);
    return result;
  }
}

async function emit(type, object) {
  const record = makeEvent(type, object);
  if (state.mode.deliver) await deliver(record);
  return record;
}

const cancelable = new Set(['requires_payment_method', 'requires_confirmation', 'requires_action',
  'processing', 'requires_capture']);

async function createIntent(params) {
  const amount = Number(params.amount);
  if (!Number.isInteger(amount) || amount < 1)
    return stripeError(400, 'invalid_request_error', 'Invalid positive integer', { param: 'amount' });
  if (!/^[a-z]{3}$/.test(params.currency || ''))
    return stripeError(400, 'invalid_request_error', 'Invalid currency', { param: 'currency' });
  // Stripe's minimum charge is about 0.50 in most currencies (50 minor units here).
  if (amount < 50)
    return stripeError(400, 'invalid_request_error',
      `Amount must be at least 50 ${params.currency}`, { code: 'amount_too_small', param: 'amount' });
  const pi = id('pi');
  const intent = {
    id: pi,
    object: 'payment_intent',
    amount,
    amount_received: 0,
    currency: params.currency,
    status: 'requires_payment_method',
    client_secret: `${pi}_secret_${crypto.randomBytes(12).toString('hex')}`,
    description: params.description || null,
    metadata: params.metadata || {},
    automatic_payment_methods: { enabled: params.automatic_payment_methods?.enabled === 'true' },
    cancellation_reason: null,
    last_payment_error: null,
    latest_charge: null,
    created: now(),
    livemode: false,
  };
  state.intents.set(pi, intent);
  if (state.mode.succeedOnCreate) await pay(intent, 'succeeded');
  return { status: 200, body: intent };
}

// What the buyer's card does once Stripe.js confirms the intent.
async function pay(intent, outcome, amountReceived) {
  if (outcome === 'succeeded') {
    intent.status = 'succeeded';
    intent.amount_received = amountReceived ?? intent.amount;
    intent.latest_charge = id('ch');
    intent.last_payment_error = null;
    await emit('payment_intent.succeeded', intent);
  } else {
    intent.status = 'requires_payment_method';
    intent.last_payment_error = { type: 'card_error', code: 'card_declined',
      decline_code: 'generic_decline', message: 'Your card was declined.' };
    await emit('payment_intent.payment_failed', intent);
  }
}

async function cancelIntent(intent, params) {
  if (!cancelable.has(intent.status))
    return stripeError(400, 'invalid_request_error',
      `You cannot cancel this PaymentIntent because it has a status of ${intent.status}.`,
      { code: 'payment_intent_unexpected_state', payment_intent: structuredClone(intent) });
  intent.status = 'canceled';
  intent.cancellation_reason = params.cancellation_reason || null;
  await emit('payment_intent.canceled', intent);
  return { status: 200, body: intent };
}

async function createRefund(params) {
  const intent = state.intents.get(params.payment_intent);
  if (!intent)
    return stripeError(404, 'invalid_request_error', `No such payment_intent: '${params.payment_intent}'`,
      { code: 'resource_missing', param: 'payment_intent' });
  if (intent.status !== 'succeeded')
    return stripeError(400, 'invalid_request_error', 'This PaymentIntent has no successful charge to refund.',
      { code: 'charge_not_refundable' });
  const refunded = [...state.refunds.values()]
    .filter((r) => r.payment_intent === intent.id && r.status !== 'failed' && r.status !== 'canceled')
    .reduce((sum, r) => sum + r.amount, 0);
  const amount = params.amount === undefined ? intent.amount_received - refunded : Number(params.amount);
  if (!Number.isInteger(amount) || amount < 1 || amount + refunded > intent.amount_received)
    return stripeError(400, 'invalid_request_error',
      `Refund amount (${amount}) is greater than unrefunded amount on charge (${intent.amount_received - refunded})`,
      { code: 'amount_too_large', param: 'amount' });
  const refund = {
    id: id('re'),
    object: 'refund',
    amount,
    currency: intent.currency,
    payment_intent: intent.id,
    charge: intent.latest_charge,
    status: state.mode.refundStatus,
    metadata: params.metadata || {},
    created: now(),
  };
  state.refunds.set(refund.id, refund);
  await emit('refund.created', refund);
  return { status: 200, body: refund };
}

async function api(req, body) {
  const url = new URL(req.url, 'http://localhost');
  const params = req.method === 'POST' ? parseForm(body) : {};
  const auth = req.headers.authorization || '';
  if (auth !== `Bearer ${apiKey}`)
    return stripeError(401, 'invalid_request_error', 'Invalid API Key provided.');
  if (req.method === 'POST' && !(req.headers['content-type'] || '').startsWith('application/x-www-form-urlencoded'))
    return stripeError(400, 'invalid_request_error', 'Stripe expects a form-encoded body.');
  let m;
  if (req.method === 'POST' && url.pathname === '/v1/payment_intents') return createIntent(params);
  if (req.method === 'GET' && (m = /^\/v1\/payment_intents\/([A-Za-z0-9_]+)$/.exec(url.pathname))) {
    const intent = state.intents.get(m[1]);
    return intent ? { status: 200, body: intent }
      : stripeError(404, 'invalid_request_error', `No such payment_intent: '${m[1]}'`, { code: 'resource_missing' });
  }
  if (req.method === 'POST' && (m = /^\/v1\/payment_intents\/([A-Za-z0-9_]+)\/cancel$/.exec(url.pathname))) {
    const intent = state.intents.get(m[1]);
    return intent ? cancelIntent(intent, params)
      : stripeError(404, 'invalid_request_error', `No such payment_intent: '${m[1]}'`, { code: 'resource_missing' });
  }
  if (req.method === 'POST' && url.pathname === '/v1/refunds') return createRefund(params);
  if (req.method === 'GET' && (m = /^\/v1\/refunds\/([A-Za-z0-9_]+)$/.exec(url.pathname))) {
    const refund = state.refunds.get(m[1]);
    return refund ? { status: 200, body: refund }
      : stripeError(404, 'invalid_request_error', `No such refund: '${m[1]}'`, { code: 'resource_missing' });
  }
  return stripeError(404, 'invalid_request_error', `Unrecognized request URL (${req.method}: ${url.pathname}).`);
}

// Stripe's idempotency: the same key with the same request gets the first answer again;
// with another request, an idempotency_error.
async function idempotentApi(req, body) {
  const key = req.headers['idempotency-key'];
  if (req.method !== 'POST' || !key) return api(req, body);
  const fingerprint = `${req.url} ${body}`;
  const seen = state.idempotency.get(key);
  if (seen) {
    if (seen.fingerprint !== fingerprint)
      return stripeError(400, 'idempotency_error',
        'Keys for idempotent requests can only be used with the same parameters they were first used with.');
    return { status: seen.status, body: seen.body, replayed: true };
  }
  const answer = await api(req, body);
  if (answer.status < 500) state.idempotency.set(key, { fingerprint, status: answer.status, body: structuredClone(answer.body) });
  return answer;
}

async function control(req, body) {
  const url = new URL(req.url, 'http://localhost');
  const input = body ? JSON.parse(body) : {};
  switch (`${req.method} ${url.pathname}`) {
    case 'POST /_test/mode':
      Object.assign(state.mode, input);
      if (input.webhookUrl !== undefined) state.webhookUrl = input.webhookUrl;
      return { status: 200, body: { mode: state.mode, webhookUrl: state.webhookUrl } };
    case 'POST /_test/pay': {  // {payment_intent, outcome: succeeded | declined, amount_received?}
      const intent = state.intents.get(input.payment_intent);
      if (!intent) return { status: 404, body: { error: 'no such intent' } };
      if (intent.status !== 'requires_payment_method')
        return { status: 409, body: { error: `intent is ${intent.status}` } };
      await pay(intent, input.outcome || 'succeeded', input.amount_received);
      return { status: 200, body: intent };
    }
    case 'POST /_test/settle-refund': {  // {refund, status}
      const refund = state.refunds.get(input.refund);
      if (!refund) return { status: 404, body: { error: 'no such refund' } };
      refund.status = input.status;
      await emit('refund.updated', refund);
      return { status: 200, body: refund };
    }
    case 'POST /_test/deliver': {  // {event, tamper?}: one more delivery of a stored event
      const record = state.events.find((r) => r.event.id === input.event);
      if (!record) return { status: 404, body: { error: 'no such event' } };
      return { status: 200, body: await deliver(record, { tamper: input.tamper }) };
    }
    case 'GET /_test/events':
      return { status: 200, body: state.events.map((r) => ({ id: r.event.id, type: r.event.type,
        object: r.event.data.object.id, deliveries: r.deliveries })) };
    case 'GET /_test/requests':
      return { status: 200, body: state.requests };
    case 'GET /_test/state':
      return { status: 200, body: { intents: [...state.intents.values()], refunds: [...state.refunds.values()] } };
    default:
      return { status: 404, body: { error: 'no such test route' } };
  }
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    const body = Buffer.concat(chunks).toString('utf8');
    const isControl = req.url.startsWith('/_test/');
    if (!isControl) {
      state.requests.push({ method: req.method, path: req.url,
        idempotency_key: req.headers['idempotency-key'] || null,
        authorization: (req.headers.authorization || '').replace(/^(Bearer sk_test_).+$/, '$1…'),
        params: req.method === 'POST' ? parseForm(body) : {} });
      if (state.mode.down) { req.socket.destroy(); return; }
    }
    try {
      const answer = isControl ? await control(req, body) : await idempotentApi(req, body);
      const headers = { 'Content-Type': 'application/json' };
      if (answer.replayed) headers['Idempotent-Replayed'] = 'true';
      res.writeHead(answer.status, headers);
      res.end(JSON.stringify(answer.body));
    } catch (e) {
      res.writeHead(500, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error: { type: 'api_error', message: String(e) } }));
    }
  });
});
server.listen(0, '127.0.0.1', () => {
  console.log(`PORT ${server.address().port}`);
});
