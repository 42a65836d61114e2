#pragma once
// The parity meter's reference: a headless run of the same config that records a checksum of the
// parameters after every batch. A front end compares the run it shows with it, batch by batch, to
// show that stepping, pausing and going back do not change what training computes. Torch-free:
// the window sees the reference only through this interface (the engine implements it).

#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>

#include "stepwise/run_config.h"

namespace stepwise {

class ParityReference {
  public:
    virtual ~ParityReference() = default;
    /// The checksum of the parameters after batch `batch` (global index: epoch × batches per
    /// epoch + batch_idx), once the reference has got there; nullopt before.
    virtual std::optional<std::uint64_t> checksum(std::int64_t batch) const = 0;
    /// Batches the reference has finished so far.
    virtual std::int64_t batches() const = 0;
    /// The reference has ended; if it failed, `failure()` says how (empty otherwise).
    virtual bool ended() const = 0;
    virtual std::string failure() const = 0;
};

/// A 64-bit checksum of bytes, continued from `hash` (the parameters' checksum folds each one in):
/// FNV-1a's step over 8-byte words (eight times fewer steps than over bytes), then the tail
/// bytes. Equal bytes give equal checksums on every machine of the same byte order.
inline std::uint64_t checksum_bytes(const void* data, std::size_t size,
                                    std::uint64_t hash = 14695981039346656037ull) {
    constexpr std::uint64_t kPrime = 1099511628211ull;
    const auto* bytes = static_cast<const unsigned char*>(data);
    std::size_t i = 0;
    for (; i + 8 <= size; i += 8) {
        std::uint64_t word;
        std::memcpy(&word, bytes + i, 8);
        hash = (hash ^ word) * kPrime;
    }
    for (; i < size; ++i) hash = (hash ^ bytes[i]) * kPrime;
    return hash;
}

}  // namespace stepwise
