// Reads tickets back the way a wallet or marketplace does: @solana/kit fetches each mint and
// @solana-program/token-2022 decodes its TokenMetadata extension. Prints one line per mint,
// "<mint> status=<value>" (or "status=-" when the field is missing), and exits 1 when a mint
// cannot be read. The backend's chain tests run it (tests/chain/backend/public_status_test.cpp).
//
//   node read-status.mjs <rpc url> <mint address>...
import { address, createSolanaRpc } from '@solana/kit';
import { fetchMint } from '@solana-program/token-2022';

const [url, ...mints] = process.argv.slice(2);
if (!url || mints.length === 0) {
    console.error('usage: node read-status.mjs <rpc url> <mint address>...');
    process.exit(2);
}

const rpc = createSolanaRpc(url);
for (const mint of mints) {
    const account = await fetchMint(rpc, address(mint), { commitment: 'confirmed' });
    const extensions = account.data.extensions;
    const list = extensions && extensions.__option === 'Some' ? extensions.value : [];
    const metadata = list.find((e) => e.__kind === 'TokenMetadata');
    if (!metadata) {
        console.error(`${mint}: no TokenMetadata extension`);
        process.exit(1);
    }
    console.log(`${mint} status=${metadata.additionalMetadata.get('status') ?? '-'}`);
}
