#pragma once
// Turning torch values into the plain descriptions events carry, and cheap norms for the payloads.

#include <ATen/core/ivalue.h>
#include <torch/types.h>

#include <string>
#include <utility>
#include <vector>

#include "stepwise/events.h"

namespace stepwise {

using NamedTensors = std::vector<std::pair<std::string, torch::Tensor>>;

/// Any TorchScript value as a person reads it (kind, shape, dtype, grad_fn, value).
ValueDescription describe_value(const c10::IValue& value);
/// "float32", "float64", ...
std::string dtype_name(torch::ScalarType type);

/// The value of a one-element tensor. Plain CPU float tensors are read directly: item() is a
/// dispatcher round trip, and the observation path reads several scalars per batch.
double scalar_value(const torch::Tensor& t);
/// dst.copy_(src) without the dispatcher for plain CPU float tensors of the same shape and dtype.
void fast_copy(torch::Tensor& dst, const torch::Tensor& src);

/// 2-norm of a tensor's elements. Small contiguous CPU float tensors are summed directly: for the
/// tiny models where observation overhead matters, a dispatcher call costs more than the sum.
double fast_norm(const torch::Tensor& t);
/// 2-norm of (a - b); same shapes.
double fast_diff_norm(const torch::Tensor& a, const torch::Tensor& b);
/// A copy that shares no memory with `t` (undefined stays undefined).
torch::Tensor copy_of(const torch::Tensor& t);
/// Every parameter's .grad in one float64 vector (zeros where it is None): the ledger's unit.
torch::Tensor flat_grads(const NamedTensors& params);
/// ⟨a, b⟩ and a −= b for the contiguous float64 vectors flat_grads makes (same length).
double flat_dot(const torch::Tensor& a, const torch::Tensor& b);
void flat_subtract(torch::Tensor& a, const torch::Tensor& b);
/// Gradient norms of the parameters: per parameter (nullopt where grad is None) and total.
GradNorms grad_norms(const NamedTensors& params);

/// FNV-1a over every parameter's bytes, in order (the parity meter's checksum).
std::uint64_t parameter_checksum(const NamedTensors& params);

/// Names, shapes and (up to kMaxSnapshotElements elements in all) values.
ParameterSnapshot snapshot(const NamedTensors& params, bool digests = false);
/// SHA-256 (hex) of a tensor\'s bytes, row-major, as `tensor.numpy().tobytes()` gives them.
std::string sha256_hex(const torch::Tensor& t);

}  // namespace stepwise
