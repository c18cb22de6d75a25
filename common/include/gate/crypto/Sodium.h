#pragma once
// libsodium must be initialised once per process before any other call; every
// gate::crypto entry point does it through this (thread-safe, idempotent).

namespace gate::crypto {

/// Initialises libsodium. Aborts the process if the library cannot start
/// (no usable randomness source): nothing secure can run without it.
void ensure_sodium();

}  // namespace gate::crypto
