#pragma once
// Key pairs on disk in the Solana CLI format: a JSON array of the 64 secret bytes.
// Files are created with mode 0600 and refused when anyone but the owner can read them.

#include <filesystem>
#include <string>

#include "gate/Result.h"
#include "gate/crypto/Ed25519.h"

namespace gate::crypto {

struct KeyFileError {
    enum class Kind {
        NotFound,
        Unreadable,     ///< exists but cannot be opened or read
        InsecureMode,   ///< readable or writable by group or others, or owned by another user
        Malformed,      ///< not a JSON array of 64 integers 0..255, or an inconsistent key
        AlreadyExists,  ///< save refused to overwrite an existing key
        WriteFailed,
    };
    Kind kind;
    std::string message;  ///< names the file and what is wrong
};

Result<KeyPair, KeyFileError> load_keypair(const std::filesystem::path& path);

/// Writes `key` to `path` with mode 0600 (atomically: temporary file, fsync,
/// rename). Refuses to replace an existing file unless `overwrite` is set.
Status<KeyFileError> save_keypair(const std::filesystem::path& path, const KeyPair& key,
                                  bool overwrite = false);

}  // namespace gate::crypto
