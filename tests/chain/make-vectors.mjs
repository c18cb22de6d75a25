// Writes the golden vectors the C++ tests compare against (tests/data/solana/*.json):
// PDAs, associated token accounts, instruction encodings and whole signed transactions,
// all produced by @solana/kit and the @solana-program/* clients, independently of our
// C++ code.
//
//   node make-vectors.mjs OUT_DIR            write the vectors
//   node make-vectors.mjs --check DIR        exit 1 unless DIR holds exactly these vectors
//
// Keys are deterministic: key(n) is the Ed25519 key pair whose 32-byte seed is the byte
// n repeated (tests/unit/common/solana/TestKeys.h does the same).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  AccountRole, address, appendTransactionMessageInstructions, compileTransaction,
  createKeyPairSignerFromPrivateKeyBytes, createNoopSigner, createTransactionMessage,
  getAddressEncoder, getBase64EncodedWireTransaction, getProgramDerivedAddress, pipe,
  setTransactionMessageFeePayerSigner, setTransactionMessageLifetimeUsingBlockhash,
  signTransaction,
} from "@solana/kit";
import {
  AuthorityType, TOKEN_2022_PROGRAM_ADDRESS, findAssociatedTokenPda, getApproveInstruction,
  getCreateAssociatedTokenIdempotentInstruction, getFreezeAccountInstruction,
  getInitializeMetadataPointerInstruction, getInitializeMint2Instruction,
  getInitializePermanentDelegateInstruction,
  getInitializeTokenMetadataInstruction, getMintToInstruction, getSetAuthorityInstruction,
  getThawAccountInstruction, getTransferCheckedInstruction, getUpdateTokenMetadataFieldInstruction,
  getUpdateTokenMetadataUpdateAuthorityInstruction,
  tokenMetadataField,
} from "@solana-program/token-2022";
import { getCreateAccountInstruction, getTransferSolInstruction } from "@solana-program/system";
import { getSetComputeUnitLimitInstruction, getSetComputeUnitPriceInstruction } from "@solana-program/compute-budget";
import { getAddMemoInstruction } from "@solana-program/memo";

const check = process.argv[2] === "--check";
const targetDir = check ? process.argv[3] : process.argv[2];
if (!targetDir) {
  console.error("usage: node make-vectors.mjs [--check] DIR");
  process.exit(2);
}
const outDir = check ? fs.mkdtempSync(path.join(os.tmpdir(), "solana-vectors-")) : targetDir;

const keys = {};
async function key(n) {
  if (!keys[n]) keys[n] = await createKeyPairSignerFromPrivateKeyBytes(new Uint8Array(32).fill(n));
  return keys[n];
}
const hex = (bytes) => Buffer.from(bytes).toString("hex");
const enc = getAddressEncoder();
const TOKEN_PROGRAM = address("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA");
// SPL Memo v2, deployed on every cluster and built into LiteSVM (the memo client's
// default address is a newer program that is not).
const MEMO_V2 = address("MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr");

// Named parties, the same numbers as in the C++ tests.
const payer = await key(1);
const holder = await key(2);
const authority = await key(3);
const validator = await key(4);
const delegate = await key(5);
const other = await key(6);
const mint = await key(10);
const signer = (k) => createNoopSigner(k.address);

// --- PDAs and ATAs -------------------------------------------------------------------
const pdaPrograms = [TOKEN_2022_PROGRAM_ADDRESS, address("BPFLoaderUpgradeab1e11111111111111111111111"), (await key(20)).address];
const pdaSeeds = [
  [], [Buffer.from("")], [Buffer.from("ticket")], [Buffer.from("event"), Buffer.from("2026-summer")],
  [enc.encode(holder.address)], [enc.encode(holder.address), enc.encode(mint.address)],
  [Buffer.alloc(32, 0xff)], [Buffer.from("a"), Buffer.from("b"), Buffer.from("c"), Buffer.from("d")],
];
for (let i = 0; i < 24; i++) pdaSeeds.push([Buffer.from(`check-in-${i}`)]);
const pdas = [];
for (const programAddress of pdaPrograms) {
  for (const seeds of pdaSeeds) {
    const [pda, bump] = await getProgramDerivedAddress({ programAddress, seeds });
    pdas.push({ program: programAddress, seeds: seeds.map(hex), address: pda, bump });
  }
}

const atas = [];
for (let w = 1; w <= 6; w++) {
  for (const m of [10, 11, 12]) {
    for (const tokenProgram of [TOKEN_2022_PROGRAM_ADDRESS, TOKEN_PROGRAM]) {
      const owner = (await key(w)).address;
      const mintAddress = (await key(m)).address;
      const [ata] = await findAssociatedTokenPda({ owner, mint: mintAddress, tokenProgram });
      atas.push({ wallet: owner, mint: mintAddress, token_program: tokenProgram, address: ata });
    }
  }
}

// --- instructions ---------------------------------------------------------------------
const [holderAta] = await findAssociatedTokenPda({ owner: holder.address, mint: mint.address, tokenProgram: TOKEN_2022_PROGRAM_ADDRESS });
const [otherAta] = await findAssociatedTokenPda({ owner: other.address, mint: mint.address, tokenProgram: TOKEN_2022_PROGRAM_ADDRESS });

const builders = {
  system_create_account: getCreateAccountInstruction({ payer, newAccount: mint, lamports: 4_176_000n, space: 234, programAddress: TOKEN_2022_PROGRAM_ADDRESS }),
  system_transfer: getTransferSolInstruction({ source: payer, destination: holder.address, amount: 1_000_000_007n }),
  token_initialize_metadata_pointer: getInitializeMetadataPointerInstruction({ mint: mint.address, authority: authority.address, metadataAddress: mint.address }),
  token_initialize_metadata_pointer_none: getInitializeMetadataPointerInstruction({ mint: mint.address, authority: null, metadataAddress: null }),
  token_initialize_permanent_delegate: getInitializePermanentDelegateInstruction({ mint: mint.address, delegate: authority.address }),
  token_initialize_mint2: getInitializeMint2Instruction({ mint: mint.address, decimals: 0, mintAuthority: authority.address, freezeAuthority: authority.address }),
  token_initialize_mint2_no_freeze: getInitializeMint2Instruction({ mint: mint.address, decimals: 6, mintAuthority: authority.address, freezeAuthority: null }),
  token_metadata_initialize: getInitializeTokenMetadataInstruction({ metadata: mint.address, updateAuthority: validator.address, mint: mint.address, mintAuthority: signer(authority), name: "Summer Festival 2026 #42", symbol: "GATE", uri: "https://tickets.example/api/v1/tickets/42/metadata.json" }),
  token_metadata_update_status: getUpdateTokenMetadataFieldInstruction({ metadata: mint.address, updateAuthority: signer(validator), field: tokenMetadataField("Key", ["status"]), value: "used" }),
  token_metadata_update_name: getUpdateTokenMetadataFieldInstruction({ metadata: mint.address, updateAuthority: signer(validator), field: tokenMetadataField("Name"), value: "Renamed ticket" }),
  token_metadata_update_symbol: getUpdateTokenMetadataFieldInstruction({ metadata: mint.address, updateAuthority: signer(validator), field: tokenMetadataField("Symbol"), value: "TIX" }),
  token_metadata_update_uri: getUpdateTokenMetadataFieldInstruction({ metadata: mint.address, updateAuthority: signer(validator), field: tokenMetadataField("Uri"), value: "https://u.example/1" }),
  token_metadata_update_authority: getUpdateTokenMetadataUpdateAuthorityInstruction({ metadata: mint.address, updateAuthority: signer(authority), newUpdateAuthority: validator.address }),
  token_metadata_make_immutable: getUpdateTokenMetadataUpdateAuthorityInstruction({ metadata: mint.address, updateAuthority: signer(validator), newUpdateAuthority: null }),
  token_mint_to: getMintToInstruction({ mint: mint.address, token: holderAta, mintAuthority: signer(authority), amount: 1n }),
  token_revoke_mint_authority: getSetAuthorityInstruction({ owned: mint.address, owner: signer(authority), authorityType: AuthorityType.MintTokens, newAuthority: null }),
  token_set_freeze_authority: getSetAuthorityInstruction({ owned: mint.address, owner: signer(authority), authorityType: AuthorityType.FreezeAccount, newAuthority: other.address }),
  token_freeze_account: getFreezeAccountInstruction({ account: holderAta, mint: mint.address, owner: signer(authority) }),
  token_thaw_account: getThawAccountInstruction({ account: holderAta, mint: mint.address, owner: signer(authority) }),
  token_transfer_checked: getTransferCheckedInstruction({ source: holderAta, mint: mint.address, destination: otherAta, authority: signer(holder), amount: 1n, decimals: 0 }),
  token_approve: getApproveInstruction({ source: holderAta, delegate: delegate.address, owner: signer(holder), amount: 1n }),
  ata_create_idempotent: getCreateAssociatedTokenIdempotentInstruction({ payer, ata: holderAta, owner: holder.address, mint: mint.address, tokenProgram: TOKEN_2022_PROGRAM_ADDRESS }),
  compute_unit_limit: getSetComputeUnitLimitInstruction({ units: 200_000 }),
  compute_unit_price: getSetComputeUnitPriceInstruction({ microLamports: 12_345n }),
  memo: getAddMemoInstruction({ memo: "gate 7 check-in 2026-07-01T18:00:00Z" }, { programAddress: MEMO_V2 }),
  memo_signed: getAddMemoInstruction({ memo: "signed", signers: [signer(validator)] }, { programAddress: MEMO_V2 }),
};

const roleJson = (role) => ({
  signer: role === AccountRole.READONLY_SIGNER || role === AccountRole.WRITABLE_SIGNER,
  writable: role === AccountRole.WRITABLE || role === AccountRole.WRITABLE_SIGNER,
});
const instructions = Object.entries(builders).map(([name, ix]) => ({
  name,
  program: ix.programAddress,
  accounts: (ix.accounts ?? []).map((a) => ({ address: a.address, ...roleJson(a.role) })),
  data: hex(ix.data ?? []),
}));

// --- whole transactions ------------------------------------------------------------------
// A synthetic instruction touching many accounts with every role, to pin the ordering.
const manyAccounts = [];
// 20 accounts, 4 of them signers: as many as fit in 1232 bytes with their signatures.
for (let n = 21; n <= 40; n++) {
  const role = n % 8 === 2 ? AccountRole.READONLY_SIGNER : n % 8 === 3 ? AccountRole.WRITABLE_SIGNER
    : n % 2 === 1 ? AccountRole.WRITABLE : AccountRole.READONLY;
  const k = await key(n);
  manyAccounts.push({ address: k.address, role, signer: role >= 2 ? k : undefined });
}
const ordering = {
  programAddress: (await key(20)).address,
  accounts: manyAccounts.map(({ address: a, role, signer: s }) => (s ? { address: a, role, signer: s } : { address: a, role })),
  data: new Uint8Array([1, 2, 3]),
};

const blockhash = "4uQeVj5tqViQh7yWWGStvkEG1Zmhx6uasJtWCJziofM";
const txSpecs = [
  { name: "transfer_legacy", version: "legacy", feePayer: payer, ixs: ["system_transfer"], signers: [payer] },
  { name: "transfer_v0", version: 0, feePayer: payer, ixs: ["system_transfer"], signers: [payer] },
  {
    name: "mint_ticket_v0", version: 0, feePayer: payer,
    ixs: ["system_create_account", "token_initialize_metadata_pointer", "token_initialize_mint2", "token_metadata_initialize"],
    signers: [payer, mint, authority],
  },
  {
    name: "issue_ticket_legacy", version: "legacy", feePayer: payer,
    ixs: ["compute_unit_limit", "compute_unit_price", "ata_create_idempotent", "token_mint_to", "token_revoke_mint_authority", "memo"],
    signers: [payer, authority],
  },
  {
    name: "check_in_v0", version: 0, feePayer: validator,
    ixs: ["compute_unit_price", "token_metadata_update_status", "memo_signed"], signers: [validator],
  },
  {
    name: "transfer_ticket_legacy", version: "legacy", feePayer: payer,
    ixs: ["token_approve", "token_transfer_checked", "token_freeze_account", "token_thaw_account"], signers: [payer, holder, authority],
  },
];

const ordered = [{ name: "ordering_legacy", version: "legacy" }, { name: "ordering_v0", version: 0 }];

async function buildTx(version, feePayer, ixList, signers) {
  const message = pipe(
    createTransactionMessage({ version }),
    (m) => setTransactionMessageFeePayerSigner(feePayer, m),
    (m) => setTransactionMessageLifetimeUsingBlockhash({ blockhash, lastValidBlockHeight: 100n }, m),
    (m) => appendTransactionMessageInstructions(ixList, m),
  );
  const tx = await signTransaction(signers.map((s) => s.keyPair), compileTransaction(message));
  return getBase64EncodedWireTransaction(tx);
}

const transactions = [];
for (const spec of txSpecs) {
  const wire = await buildTx(spec.version, spec.feePayer, spec.ixs.map((n) => builders[n]), spec.signers);
  transactions.push({ name: spec.name, version: spec.version === "legacy" ? "legacy" : "v0", fee_payer: spec.feePayer.address, blockhash, instructions: spec.ixs, signers: spec.signers.map((s) => s.address), wire_base64: wire });
}
for (const spec of ordered) {
  const signers = [payer, ...manyAccounts.filter((a) => a.signer).map((a) => a.signer)];
  const wire = await buildTx(spec.version, payer, [ordering], signers);
  transactions.push({ name: spec.name, version: spec.version === "legacy" ? "legacy" : "v0", fee_payer: payer.address, blockhash, instructions: ["ordering"], signers: signers.map((s) => s.address), wire_base64: wire, ordering_program: ordering.programAddress, ordering_accounts: manyAccounts.map((a) => ({ address: a.address, ...roleJson(a.role) })) });
}

const keyList = [];
for (const n of Object.keys(keys).map(Number).sort((a, b) => a - b)) keyList.push({ seed_byte: n, address: keys[n].address });

const pkg = JSON.parse(fs.readFileSync(new URL("./node_modules/@solana/kit/package.json", import.meta.url)));
const t22 = JSON.parse(fs.readFileSync(new URL("./node_modules/@solana-program/token-2022/package.json", import.meta.url)));
const header = { generator: "tests/chain/make-vectors.mjs", kit: pkg.version, token_2022_client: t22.version };
fs.mkdirSync(outDir, { recursive: true });
const write = (name, body) => fs.writeFileSync(path.join(outDir, name), JSON.stringify({ ...header, ...body }, null, 1) + "\n");
write("addresses.json", { keys: keyList, pdas, atas });
write("instructions.json", { instructions });
write("transactions.json", { transactions });
if (check) {
  let stale = false;
  for (const name of ["addresses.json", "instructions.json", "transactions.json"]) {
    const want = fs.readFileSync(path.join(outDir, name), "utf8");
    const have = fs.existsSync(path.join(targetDir, name)) ? fs.readFileSync(path.join(targetDir, name), "utf8") : "";
    if (want !== have) {
      console.error(`${path.join(targetDir, name)} differs from what kit produces; regenerate with: node make-vectors.mjs ${targetDir}`);
      stale = true;
    }
  }
  fs.rmSync(outDir, { recursive: true, force: true });
  if (stale) process.exit(1);
  console.log("golden vectors are current");
  process.exit(0);
}
console.log(`wrote ${pdas.length} PDAs, ${atas.length} ATAs, ${instructions.length} instructions, ${transactions.length} transactions to ${outDir}`);
