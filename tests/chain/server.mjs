// A local Solana JSON-RPC server over LiteSVM (the real Solana runtime, Token-2022
// built in) for the tests. One process is one fresh chain; state lives in memory.
//
//   node server.mjs PORT      listen on 127.0.0.1:PORT; 0 picks a free port
//
// The first stdout line is the port ("PORT <n>") once the server accepts connections.
// Signature verification and blockhash checks are on, as on a real cluster. The
// answers follow the Solana RPC shapes (errors as JSON-RPC errors -32002 / -32003 with
// data.err in the runtime's JSON form). Two test-only methods change the chain's
// conditions: gate_expireBlockhash, gate_dropNextTransactions and gate_hideNextStatuses
// (see docs/solana.md).
import http from "node:http";
import { LiteSVM } from "litesvm";
import {
  getAddressCodec, getBase58Decoder, getCompiledTransactionMessageDecoder, getTransactionDecoder,
} from "@solana/kit";

const INSTRUCTION_ERRORS = ["GenericError", "InvalidArgument", "InvalidInstructionData", "InvalidAccountData", "AccountDataTooSmall", "InsufficientFunds", "IncorrectProgramId", "MissingRequiredSignature", "AccountAlreadyInitialized", "UninitializedAccount", "UnbalancedInstruction", "ModifiedProgramId", "ExternalAccountLamportSpend", "ExternalAccountDataModified", "ReadonlyLamportChange", "ReadonlyDataModified", "DuplicateAccountIndex", "ExecutableModified", "RentEpochModified", "NotEnoughAccountKeys", "AccountDataSizeChanged", "AccountNotExecutable", "AccountBorrowFailed", "AccountBorrowOutstanding", "DuplicateAccountOutOfSync", "InvalidError", "ExecutableDataModified", "ExecutableLamportChange", "ExecutableAccountNotRentExempt", "UnsupportedProgramId", "CallDepth", "MissingAccount", "ReentrancyNotAllowed", "MaxSeedLengthExceeded", "InvalidSeeds", "InvalidRealloc", "ComputationalBudgetExceeded", "PrivilegeEscalation", "ProgramEnvironmentSetupFailure", "ProgramFailedToComplete", "ProgramFailedToCompile", "Immutable", "IncorrectAuthority", "AccountNotRentExempt", "InvalidAccountOwner", "ArithmeticOverflow", "UnsupportedSysvar", "IllegalOwner", "MaxAccountsDataAllocationsExceeded", "MaxAccountsExceeded", "MaxInstructionTraceLengthExceeded", "BuiltinProgramsMustConsumeComputeUnits", "BorshIoError"];
const TRANSACTION_ERRORS = ["AccountInUse", "AccountLoadedTwice", "AccountNotFound", "ProgramAccountNotFound", "InsufficientFundsForFee", "InvalidAccountForFee", "AlreadyProcessed", "BlockhashNotFound", "CallChainTooDeep", "MissingSignatureForFee", "InvalidAccountIndex", "SignatureFailure", "InvalidProgramForExecution", "SanitizeFailure", "ClusterMaintenance", "AccountBorrowOutstanding", "WouldExceedMaxBlockCostLimit", "UnsupportedVersion", "InvalidWritableAccount", "WouldExceedMaxAccountCostLimit", "WouldExceedAccountDataBlockLimit", "TooManyAccountLocks", "AddressLookupTableNotFound", "InvalidAddressLookupTableOwner", "InvalidAddressLookupTableData", "InvalidAddressLookupTableIndex", "InvalidRentPayingAccount", "WouldExceedMaxVoteCostLimit", "WouldExceedAccountDataTotalLimit", "MaxLoadedAccountsDataSizeExceeded", "ResanitizationNeeded", "InvalidLoadedAccountsDataSizeLimit", "UnbalancedTransaction", "ProgramCacheHitMaxLimit", "CommitCancelled"];

// Blockhashes stay valid for this many blocks on a real cluster; reported as
// lastValidBlockHeight. Here a blockhash is valid until gate_expireBlockhash.
const BLOCKHASH_LIFETIME = 150n;
const MAX_BODY = 1 << 20;

const svm = new LiteSVM().withSigverify(true).withBlockhashCheck(true).withTransactionHistory(100000n);
const addressCodec = getAddressCodec();
const base58 = getBase58Decoder();
const txDecoder = getTransactionDecoder();
const messageDecoder = getCompiledTransactionMessageDecoder();
const LAMPORTS_PER_SIGNATURE = 5000;

let slot = 1n;
let blockhashHeight = slot;
let dropNext = 0;
let hideStatuses = 0;
/** signature (base58) -> { slot, err } for every transaction that landed. */
const statuses = new Map();
/** signature -> what getTransaction answers, for every sent transaction that landed. */
const transactions = new Map();
/** address -> signatures of landed transactions that name it, oldest first. */
const signaturesByAddress = new Map();

class RpcError extends Error {
  constructor(code, message, data) {
    super(message);
    this.code = code;
    this.data = data;
  }
}
const invalidParams = (message) => new RpcError(-32602, message);

/** The runtime's error in the JSON form the Solana RPC uses. */
function errorJson(failed) {
  const e = failed.err();
  if (typeof e === "number") return TRANSACTION_ERRORS[e] ?? `TransactionError${e}`;
  const name = e.constructor?.name ?? "";
  if (name === "TransactionErrorInstructionError") {
    const inner = e.err();
    let innerJson;
    if (typeof inner === "number") innerJson = INSTRUCTION_ERRORS[inner] ?? `InstructionError${inner}`;
    else if ("code" in inner) innerJson = { Custom: inner.code };
    else innerJson = { BorshIoError: inner.msg };
    return { InstructionError: [e.index, innerJson] };
  }
  if (name === "TransactionErrorDuplicateInstruction") return { DuplicateInstruction: e.index };
  if (name === "TransactionErrorInsufficientFundsForRent")
    return { InsufficientFundsForRent: { account_index: e.accountIndex } };
  if (name === "TransactionErrorProgramExecutionTemporarilyRestricted")
    return { ProgramExecutionTemporarilyRestricted: { account_index: e.accountIndex } };
  return String(e);
}

function errorText(err) {
  if (typeof err === "string") return err;
  if (err.InstructionError) {
    const [index, inner] = err.InstructionError;
    const what = typeof inner === "string" ? inner
      : inner.Custom !== undefined ? `custom program error: 0x${inner.Custom.toString(16)}` : JSON.stringify(inner);
    return `Error processing Instruction ${index}: ${what}`;
  }
  return JSON.stringify(err);
}

const isFailed = (result) => typeof result?.err === "function";
const context = () => ({ slot: Number(slot), apiVersion: "2.2.0-litesvm" });

function parseAddress(value, what) {
  if (typeof value !== "string") throw invalidParams(`Invalid param: ${what} must be a base58 string`);
  try {
    addressCodec.encode(value);
  } catch {
    throw invalidParams(`Invalid param: Invalid ${what}`);
  }
  return value;
}

/** Decodes a wire transaction (base64 or base58) and checks that it parses. */
function parseTransaction(params) {
  const [encoded, config = {}] = params;
  if (typeof encoded !== "string") throw invalidParams("Invalid params: transaction must be a string");
  const encoding = config.encoding ?? "base58";
  let bytes;
  if (encoding === "base64") bytes = new Uint8Array(Buffer.from(encoded, "base64"));
  else if (encoding === "base58") bytes = new Uint8Array(base58ToBytes(encoded));
  else throw invalidParams(`Invalid params: unsupported encoding ${encoding}`);
  if (bytes.length > 1232)
    throw invalidParams(`base64 encoded solana_transaction::versioned::VersionedTransaction too large: ${bytes.length} bytes (max: encoded/raw 1644/1232)`);
  let tx;
  try {
    tx = txDecoder.decode(bytes);
  } catch (e) {
    throw invalidParams(`failed to deserialize solana_transaction::versioned::VersionedTransaction: ${e.message}`);
  }
  const signatures = Object.values(tx.signatures);
  if (signatures.length === 0 || signatures[0] === null)
    throw invalidParams("Invalid params: transaction has no signatures");
  return { bytes, tx, signature: base58.decode(signatures[0]), config };
}

function base58ToBytes(text) {
  const alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
  let n = 0n;
  for (const c of text) {
    const v = alphabet.indexOf(c);
    if (v < 0) throw invalidParams("Invalid params: invalid base58");
    n = n * 58n + BigInt(v);
  }
  const out = [];
  while (n > 0n) {
    out.unshift(Number(n & 0xffn));
    n >>= 8n;
  }
  for (const c of text) {
    if (c !== "1") break;
    out.unshift(0);
  }
  return out;
}

const isVersioned = (bytes) => {
  // After the signatures, a message whose first byte has the top bit set is versioned.
  let count = 0, shift = 0, i = 0;
  for (;;) {
    const b = bytes[i++];
    count |= (b & 0x7f) << shift;
    if ((b & 0x80) === 0) break;
    shift += 7;
  }
  return (bytes[i + count * 64] & 0x80) !== 0;
};

function execute(bytes, simulate) {
  const inner = svm.inner;
  if (simulate) return isVersioned(bytes) ? inner.simulateVersionedTransaction(bytes) : inner.simulateLegacyTransaction(bytes);
  return isVersioned(bytes) ? inner.sendVersionedTransaction(bytes) : inner.sendLegacyTransaction(bytes);
}

function record(signature, err, landed) {
  slot += 1n;
  statuses.set(signature, { slot, err });
  if (!landed) return;
  const { tx, message, preBalances } = landed;
  const keys = message.staticAccounts;
  transactions.set(signature, {
    slot: Number(slot),
    blockTime: Math.floor(Date.now() / 1000),
    version: message.version === "legacy" ? "legacy" : message.version,
    transaction: {
      signatures: Object.values(tx.signatures).map((s) => (s ? base58.decode(s) : null)),
      message: {
        accountKeys: keys,
        header: {
          numRequiredSignatures: message.header.numSignerAccounts,
          numReadonlySignedAccounts: message.header.numReadonlySignerAccounts,
          numReadonlyUnsignedAccounts: message.header.numReadonlyNonSignerAccounts,
        },
        recentBlockhash: message.lifetimeToken,
        instructions: (message.instructions ?? []).map((ix) => ({
          programIdIndex: ix.programAddressIndex,
          accounts: ix.accountIndices ?? [],
          data: base58.decode(ix.data ?? new Uint8Array()),
          stackHeight: null,
        })),
      },
    },
    meta: {
      err,
      status: err === null ? { Ok: null } : { Err: err },
      fee: LAMPORTS_PER_SIGNATURE * message.header.numSignerAccounts,
      preBalances,
      postBalances: keys.map((k) => Number(svm.getBalance(k) ?? 0n)),
      innerInstructions: [],
      logMessages: [],
      preTokenBalances: [],
      postTokenBalances: [],
      rewards: [],
    },
  });
  for (const key of new Set(keys)) {
    if (!signaturesByAddress.has(key)) signaturesByAddress.set(key, []);
    signaturesByAddress.get(key).push(signature);
  }
}

/** The decoded message and each static account's balance, before a send executes. */
function beforeSend(tx) {
  const message = messageDecoder.decode(tx.messageBytes);
  const preBalances = message.staticAccounts.map((k) => Number(svm.getBalance(k) ?? 0n));
  return { tx, message, preBalances };
}

const methods = {
  getHealth: () => "ok",
  getVersion: () => ({ "solana-core": "2.2.0-litesvm", "feature-set": 0 }),
  getSlot: () => Number(slot),
  getBlockHeight: () => Number(slot),

  getLatestBlockhash: () => ({
    context: context(),
    value: { blockhash: svm.latestBlockhash(), lastValidBlockHeight: Number(blockhashHeight + BLOCKHASH_LIFETIME) },
  }),

  isBlockhashValid: ([blockhash]) => {
    if (typeof blockhash !== "string") throw invalidParams("Invalid params: blockhash must be a string");
    return { context: context(), value: blockhash === svm.latestBlockhash() };
  },

  getBalance: ([address]) => {
    const balance = svm.getBalance(parseAddress(address, "address"));
    return { context: context(), value: Number(balance ?? 0n) };
  },

  getMinimumBalanceForRentExemption: ([size]) => {
    if (!Number.isInteger(size) || size < 0) throw invalidParams("Invalid params: size must be a non-negative integer");
    return Number(svm.minimumBalanceForRentExemption(BigInt(size)));
  },

  getAccountInfo: ([address, config = {}]) => {
    const encoding = config.encoding ?? "base64";
    if (encoding !== "base64") throw invalidParams(`Invalid params: only base64 encoding is supported here, not ${encoding}`);
    const account = svm.getAccount(parseAddress(address, "address"));
    if (!account.exists) return { context: context(), value: null };
    return {
      context: context(),
      value: {
        data: [Buffer.from(account.data).toString("base64"), "base64"],
        executable: account.executable,
        lamports: Number(account.lamports),
        owner: account.programAddress,
        rentEpoch: Number.MAX_SAFE_INTEGER,
        space: Number(account.space),
      },
    };
  },

  requestAirdrop: ([address, lamports]) => {
    parseAddress(address, "address");
    if (!Number.isInteger(lamports) || lamports <= 0) throw invalidParams("Invalid params: lamports must be a positive integer");
    const result = svm.airdrop(address, BigInt(lamports));
    if (result === null || isFailed(result)) throw new RpcError(-32603, `airdrop failed: ${result ? errorText(errorJson(result)) : "no result"}`);
    const signature = base58.decode(result.signature());
    record(signature, null);
    return signature;
  },

  sendTransaction: (params) => {
    const { bytes, tx, signature, config } = parseTransaction(params);
    if (dropNext > 0) {
      // Test hook: accepted by the RPC node but never lands (as when a leader drops it).
      dropNext -= 1;
      return signature;
    }
    if (!config.skipPreflight) {
      const sim = execute(bytes, true);
      if (isFailed(sim)) {
        const err = errorJson(sim);
        if (err === "SignatureFailure") throw new RpcError(-32003, "Transaction signature verification failure");
        const meta = sim.meta();
        throw new RpcError(-32002, `Transaction simulation failed: ${errorText(err)}`, {
          err, logs: meta.logs(), unitsConsumed: Number(meta.computeUnitsConsumed()), accounts: null, returnData: null,
        });
      }
    }
    const before = beforeSend(tx);
    const result = execute(bytes, false);
    if (isFailed(result)) {
      const err = errorJson(result);
      if (err === "SignatureFailure") throw new RpcError(-32003, "Transaction signature verification failure");
      // A transaction that never paid its fee does not land (no status), as on a cluster.
      if (["BlockhashNotFound", "AlreadyProcessed", "InsufficientFundsForFee", "AccountNotFound", "SanitizeFailure"].includes(err))
        return signature;
      record(signature, err, before);
      return signature;
    }
    record(signature, null, before);
    return signature;
  },

  simulateTransaction: (params) => {
    const { bytes, config } = parseTransaction(params);
    if (config.sigVerify === false) throw invalidParams("Invalid params: this chain always verifies signatures");
    if (config.replaceRecentBlockhash) throw invalidParams("Invalid params: replaceRecentBlockhash is not supported");
    const sim = execute(bytes, true);
    const failed = isFailed(sim);
    const meta = sim.meta();
    return {
      context: context(),
      value: {
        err: failed ? errorJson(sim) : null,
        logs: meta.logs(),
        accounts: null,
        unitsConsumed: Number(meta.computeUnitsConsumed()),
        returnData: null,
      },
    };
  },

  getSignatureStatuses: ([signatures]) => {
    if (!Array.isArray(signatures) || signatures.length > 256)
      throw invalidParams("Invalid params: signatures must be an array of at most 256 strings");
    if (hideStatuses > 0) {
      // Test hook: a lagging node that has not seen the transactions yet.
      hideStatuses -= 1;
      return { context: context(), value: signatures.map(() => null) };
    }
    return {
      context: context(),
      value: signatures.map((s) => {
        const st = statuses.get(s);
        if (!st) return null;
        return {
          slot: Number(st.slot),
          confirmations: null,
          err: st.err,
          status: st.err === null ? { Ok: null } : { Err: st.err },
          confirmationStatus: "finalized",
        };
      }),
    };
  },

  // Newest first, as the RPC answers; `before` / `until` are signatures, `limit` 1..1000.
  getSignaturesForAddress: ([address, config = {}]) => {
    parseAddress(address, "address");
    const limit = config.limit ?? 1000;
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
      throw invalidParams("Invalid params: limit must be 1..1000");
    let list = [...(signaturesByAddress.get(address) ?? [])].reverse();
    if (config.before) {
      const at = list.indexOf(config.before);
      list = at < 0 ? [] : list.slice(at + 1);
    }
    if (config.until) {
      const at = list.indexOf(config.until);
      if (at >= 0) list = list.slice(0, at);
    }
    return list.slice(0, limit).map((signature) => {
      const t = transactions.get(signature);
      return { signature, slot: t.slot, err: t.meta.err, memo: null, blockTime: t.blockTime,
        confirmationStatus: "finalized" };
    });
  },

  getTransaction: ([signature, config = {}]) => {
    if (typeof signature !== "string") throw invalidParams("Invalid params: signature must be a string");
    const encoding = typeof config === "string" ? config : config.encoding ?? "json";
    if (encoding !== "json") throw invalidParams(`Invalid params: only json encoding is supported here, not ${encoding}`);
    const t = transactions.get(signature);
    if (!t) return null;
    if (t.version !== "legacy" && config.maxSupportedTransactionVersion === undefined)
      throw new RpcError(-32015, "Transaction version (0) is not supported by the requesting client. Please try the request again with the following configuration parameter: \"maxSupportedTransactionVersion\": 0");
    return t;
  },

  // --- test hooks (not Solana RPC) ---
  gate_expireBlockhash: () => {
    svm.expireBlockhash();
    slot += BLOCKHASH_LIFETIME + 1n;
    blockhashHeight = slot;
    return svm.latestBlockhash();
  },
  gate_hideNextStatuses: ([count]) => {
    if (!Number.isInteger(count) || count < 0) throw invalidParams("Invalid params: count must be a non-negative integer");
    hideStatuses = count;
    return count;
  },
  gate_dropNextTransactions: ([count]) => {
    if (!Number.isInteger(count) || count < 0) throw invalidParams("Invalid params: count must be a non-negative integer");
    dropNext = count;
    return count;
  },
};

function handle(request) {
  const id = request?.id ?? null;
  if (request?.jsonrpc !== "2.0" || typeof request.method !== "string")
    return { jsonrpc: "2.0", id, error: { code: -32600, message: "Invalid request" } };
  const method = methods[request.method];
  if (!method) return { jsonrpc: "2.0", id, error: { code: -32601, message: "Method not found" } };
  const params = request.params ?? [];
  if (!Array.isArray(params)) return { jsonrpc: "2.0", id, error: { code: -32602, message: "Invalid params: expected an array" } };
  try {
    return { jsonrpc: "2.0", id, result: method(params) };
  } catch (e) {
    if (e instanceof RpcError) {
      const error = { code: e.code, message: e.message };
      if (e.data !== undefined) error.data = e.data;
      return { jsonrpc: "2.0", id, error };
    }
    return { jsonrpc: "2.0", id, error: { code: -32603, message: `Internal error: ${e.message}` } };
  }
}

const server = http.createServer((req, res) => {
  if (req.method !== "POST") {
    res.writeHead(405, { "content-type": "text/plain" }).end("POST JSON-RPC only\n");
    return;
  }
  const chunks = [];
  let size = 0;
  req.on("data", (c) => {
    size += c.length;
    if (size > MAX_BODY) {
      res.writeHead(413).end();
      req.destroy();
    } else chunks.push(c);
  });
  req.on("end", () => {
    if (size > MAX_BODY) return;
    let body;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    } catch {
      body = undefined;
    }
    const answer = body === undefined
      ? { jsonrpc: "2.0", id: null, error: { code: -32700, message: "Parse error" } }
      : Array.isArray(body) ? body.map(handle) : handle(body);
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(answer));
  });
});

const port = Number(process.argv[2] ?? 0);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error("usage: node server.mjs PORT   (0 picks a free port)");
  process.exit(2);
}
server.listen(port, "127.0.0.1", () => {
  console.log(`PORT ${server.address().port}`);
});
for (const sig of ["SIGTERM", "SIGINT"]) process.on(sig, () => server.close(() => process.exit(0)));
