#include "tensor_utils.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <mutex>
#include <sstream>
#include <typeindex>
#include <unordered_map>

#include "stepwise/parity.h"

namespace stepwise {

std::string dtype_name(torch::ScalarType type) {
    switch (type) {
        case torch::kFloat32: return "float32";
        case torch::kFloat64: return "float64";
        case torch::kFloat16: return "float16";
        case torch::kBFloat16: return "bfloat16";
        case torch::kInt64: return "int64";
        case torch::kInt32: return "int32";
        case torch::kInt16: return "int16";
        case torch::kInt8: return "int8";
        case torch::kUInt8: return "uint8";
        case torch::kBool: return "bool";
        default: return c10::toString(type);
    }
}

namespace {

bool plain(const torch::Tensor& t) {
    return t.device().is_cpu() && t.is_contiguous() && !t.is_sparse() &&
           (t.scalar_type() == torch::kFloat32 || t.scalar_type() == torch::kFloat64);
}
// Below this size a plain loop beats a dispatcher call; above it LibTorch's vectorised kernels win.
constexpr std::int64_t kSmallTensor = 4096;
bool small_plain(const torch::Tensor& t) {
    return plain(t) && t.numel() <= kSmallTensor;
}

// Node::name() demangles the C++ type name on every call; the set of autograd node types is small.
std::string grad_fn_name(const torch::autograd::Node& node) {
    static std::mutex mutex;
    static std::unordered_map<std::type_index, std::string> names;
    const std::type_index type(typeid(node));
    std::lock_guard<std::mutex> lock(mutex);
    auto it = names.find(type);
    if (it == names.end()) it = names.emplace(type, node.name()).first;
    return it->second;
}

ValueDescription describe_tensor(const torch::Tensor& t) {
    ValueDescription d;
    d.kind = "tensor";
    if (!t.defined()) {
        d.kind = "none";
        d.text = "None";
        return d;
    }
    d.shape = t.sizes().vec();
    d.dtype = dtype_name(t.scalar_type());
    d.requires_grad = t.requires_grad();
    if (const auto& fn = t.grad_fn()) d.grad_fn = grad_fn_name(*fn);
    if (t.numel() == 1 && !t.is_complex()) d.value = scalar_value(t);
    return d;
}

std::string short_repr(const c10::IValue& v) {
    std::ostringstream out;
    out << v;
    std::string s = out.str();
    if (s.size() > 120) s = s.substr(0, 117) + "...";
    return s;
}

}  // namespace

ValueDescription describe_value(const c10::IValue& v) {
    if (v.isTensor()) return describe_tensor(v.toTensor());
    ValueDescription d;
    if (v.isNone()) {
        d.kind = "none";
        d.text = "None";
    } else if (v.isDouble()) {
        d.kind = "float";
        d.value = v.toDouble();
    } else if (v.isInt()) {
        d.kind = "int";
        d.value = static_cast<double>(v.toInt());
    } else if (v.isBool()) {
        d.kind = "bool";
        d.value = v.toBool() ? 1.0 : 0.0;
    } else if (v.isString()) {
        d.kind = "str";
    } else if (v.isList()) {
        d.kind = "list";
    } else if (v.isTuple()) {
        d.kind = "tuple";
    } else if (v.isGenericDict()) {
        d.kind = "dict";
    } else {
        d.kind = v.tagKind();
    }
    if (d.text.empty()) d.text = short_repr(v);
    return d;
}

namespace {
template <class T>
double sum_squares(const T* p, std::int64_t n) {
    double s = 0.0;
    for (std::int64_t i = 0; i < n; ++i) s += static_cast<double>(p[i]) * static_cast<double>(p[i]);
    return s;
}
template <class T>
double sum_squared_diff(const T* a, const T* b, std::int64_t n) {
    double s = 0.0;
    for (std::int64_t i = 0; i < n; ++i) {
        const double d = static_cast<double>(a[i]) - static_cast<double>(b[i]);
        s += d * d;
    }
    return s;
}
}  // namespace

double scalar_value(const torch::Tensor& t) {
    if (t.device().is_cpu() && !t.is_sparse()) {
        if (t.scalar_type() == torch::kFloat64) return *t.data_ptr<double>();
        if (t.scalar_type() == torch::kFloat32) return *t.data_ptr<float>();
    }
    return t.detach().item<double>();
}

void fast_copy(torch::Tensor& dst, const torch::Tensor& src) {
    if (plain(dst) && plain(src) && dst.scalar_type() == src.scalar_type() &&
        dst.numel() == src.numel()) {
        std::memcpy(dst.data_ptr(), src.data_ptr(), static_cast<std::size_t>(src.nbytes()));
        return;
    }
    torch::NoGradGuard no_grad;
    dst.copy_(src);
}

double fast_norm(const torch::Tensor& t) {
    if (!small_plain(t)) return t.detach().norm().item<double>();
    const auto n = t.numel();
    if (t.scalar_type() == torch::kFloat64) return std::sqrt(sum_squares(t.data_ptr<double>(), n));
    return std::sqrt(sum_squares(t.data_ptr<float>(), n));
}

double fast_diff_norm(const torch::Tensor& a, const torch::Tensor& b) {
    if (!small_plain(a) || !small_plain(b) || a.scalar_type() != b.scalar_type())
        return (a.detach() - b.detach()).norm().item<double>();
    const auto n = a.numel();
    if (a.scalar_type() == torch::kFloat64)
        return std::sqrt(sum_squared_diff(a.data_ptr<double>(), b.data_ptr<double>(), n));
    return std::sqrt(sum_squared_diff(a.data_ptr<float>(), b.data_ptr<float>(), n));
}

GradNorms grad_norms(const NamedTensors& params) {
    GradNorms norms;
    double total_sq = 0.0;
    norms.per_parameter.reserve(params.size());
    for (const auto& [name, p] : params) {
        const auto& g = p.grad();
        if (!g.defined()) {
            norms.per_parameter.emplace_back(name, std::nullopt);
            continue;
        }
        const double n = fast_norm(g);
        total_sq += n * n;
        norms.per_parameter.emplace_back(name, n);
    }
    norms.total = std::sqrt(total_sq);
    return norms;
}

std::string sha256_hex(const torch::Tensor& t) {
    const torch::Tensor bytes = t.detach().cpu().contiguous();
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_Digest(bytes.data_ptr(), bytes.nbytes(), digest, &length, EVP_sha256(), nullptr);
    static const char* const hex = "0123456789abcdef";
    std::string out;
    for (unsigned int i = 0; i < length; ++i) {
        out += hex[digest[i] >> 4];
        out += hex[digest[i] & 15];
    }
    return out;
}

ParameterSnapshot snapshot(const NamedTensors& params, bool digests) {
    ParameterSnapshot snap;
    std::int64_t total = 0;
    for (const auto& [name, p] : params) total += p.numel();
    snap.has_values = total <= kMaxSnapshotElements;
    for (const auto& [name, p] : params) {
        ParameterSnapshot::Entry entry;
        entry.name = name;
        entry.shape = p.sizes().vec();
        if (digests) entry.sha256 = sha256_hex(p);
        if (snap.has_values) {
            const auto flat = p.detach().to(torch::kFloat64).contiguous().view(-1);
            const double* data = flat.data_ptr<double>();
            entry.values.assign(data, data + flat.numel());
        }
        snap.parameters.push_back(std::move(entry));
    }
    return snap;
}

torch::Tensor copy_of(const torch::Tensor& t) {
    return t.defined() ? t.detach().clone() : torch::Tensor();
}

std::uint64_t parameter_checksum(const NamedTensors& params) {
    std::uint64_t hash = checksum_bytes(nullptr, 0);
    for (const auto& [name, p] : params) {
        if (p.is_contiguous()) {  // the usual case: read in place, no tensor made
            hash = checksum_bytes(p.data_ptr(), p.nbytes(), hash);
        } else {
            const torch::Tensor t = p.detach().contiguous();
            hash = checksum_bytes(t.data_ptr(), t.nbytes(), hash);
        }
    }
    return hash;
}

torch::Tensor flat_grads(const NamedTensors& params) {
    std::int64_t total = 0;
    for (const auto& kv : params) total += kv.second.numel();
    torch::Tensor flat = torch::empty({total}, torch::kDouble);
    double* out = flat.data_ptr<double>();
    for (const auto& [name, p] : params) {
        const torch::Tensor& g = p.grad();
        const std::int64_t n = p.numel();
        // Plain CPU float grads are copied directly: the ledger does this twice per backward.
        if (!g.defined()) {
            std::fill(out, out + n, 0.0);
        } else if (g.device().is_cpu() && g.is_contiguous() && g.layout() == torch::kStrided &&
                   g.scalar_type() == torch::kFloat32) {
            const float* in = g.data_ptr<float>();
            for (std::int64_t i = 0; i < n; ++i) out[i] = in[i];
        } else if (g.device().is_cpu() && g.is_contiguous() && g.layout() == torch::kStrided &&
                   g.scalar_type() == torch::kFloat64) {
            std::copy(g.data_ptr<double>(), g.data_ptr<double>() + n, out);
        } else {
            flat.narrow(0, out - flat.data_ptr<double>(), n).copy_(g.detach().reshape({-1}));
        }
        out += n;
    }
    return flat;
}

double flat_dot(const torch::Tensor& a, const torch::Tensor& b) {
    const double* x = a.data_ptr<double>();
    const double* y = b.data_ptr<double>();
    double sum = 0.0;
    for (std::int64_t i = 0, n = a.numel(); i < n; ++i) sum += x[i] * y[i];
    return sum;
}

void flat_subtract(torch::Tensor& a, const torch::Tensor& b) {
    double* x = a.data_ptr<double>();
    const double* y = b.data_ptr<double>();
    for (std::int64_t i = 0, n = a.numel(); i < n; ++i) x[i] -= y[i];
}

}  // namespace stepwise
