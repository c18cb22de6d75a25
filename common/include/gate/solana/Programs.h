#pragma once
// Ids of the programs and sysvars the ticketing system uses; all are deployed at the
// same addresses on every cluster (and built into LiteSVM).

#include "gate/solana/Pubkey.h"

namespace gate::solana::program {

const Pubkey& system();                    ///< 11111111111111111111111111111111
const Pubkey& token();                     ///< TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA
const Pubkey& token_2022();                ///< TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb
const Pubkey& associated_token_account();  ///< ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL
const Pubkey& compute_budget();            ///< ComputeBudget111111111111111111111111111111
const Pubkey& memo();                      ///< MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr
const Pubkey& rent_sysvar();               ///< SysvarRent111111111111111111111111111111111

/// A short human name for a known program id ("Token-2022"), or its base58 address.
std::string name_of(const Pubkey& program_id);

}  // namespace gate::solana::program
