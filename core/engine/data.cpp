#include "data.h"

#include <caffe2/serialize/inline_container.h>
#include <caffe2/serialize/read_adapter_interface.h>
#include <torch/csrc/jit/serialization/import_read.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <unordered_set>
#include <vector>

#include "errors.h"

namespace stepwise {

namespace {

/// The archive's bytes for LibTorch's zip reader, which asks for ranges its headers name. Torch's
/// own in-memory adapter (behind torch::pickle_load) copies them unchecked, so a corrupt header
/// reads past the buffer and crashes (found by tests/fuzz/fuzz_data_file). This one gives only
/// the bytes that exist; the reader then reports a short read as an error.
class BoundedReader final : public caffe2::serialize::ReadAdapterInterface {
  public:
    explicit BoundedReader(const std::vector<char>& bytes) : bytes_(bytes) {}
    std::size_t size() const override { return bytes_.size(); }
    std::size_t read(std::uint64_t pos, void* buf, std::size_t n,
                     const char* what = "") const override {
        if (pos >= bytes_.size()) return 0;
        n = static_cast<std::size_t>(std::min<std::uint64_t>(n, bytes_.size() - pos));
        std::memcpy(buf, bytes_.data() + pos, n);
        return n;
    }

  private:
    const std::vector<char>& bytes_;
};

/// Checks the zip's central directory (where LibTorch's reader takes each record's size from)
/// before the reader sees it: every entry must lie in the file, and its size must be one its bytes
/// can hold. The reader allocates a record's declared size before it reads it, so a 700-byte file
/// declaring a 4 GB `version` record made it allocate 4 GB (found by tests/fuzz/fuzz_data_file).
/// Returns what is wrong, or nothing.
std::string check_zip_sizes(const std::vector<char>& bytes) {
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
    const std::uint64_t n = bytes.size();
    auto le = [&](std::uint64_t at, int width) {
        std::uint64_t v = 0;
        for (int k = 0; k < width; ++k) v |= std::uint64_t(p[at + k]) << (8 * k);
        return v;
    };
    // The end-of-central-directory record: the last one in the final 64 KB, as the reader finds it.
    constexpr std::uint64_t kEnd = 22;
    if (n < kEnd) return "it is too short to be a zip archive";
    std::uint64_t end = n - kEnd + 1;
    do {
        --end;
        if (le(end, 4) == 0x06054b50) break;
    } while (end > 0 && n - end < kEnd + 65535);
    if (le(end, 4) != 0x06054b50) return "it has no zip directory";
    std::uint64_t entries = le(end + 10, 2), directory_size = le(end + 12, 4),
                  directory = le(end + 16, 4);
    // ZIP64 (torch.save writes it): a locator right before that record points to a record of its
    // own, whose figures the reader then takes instead, as long as that record's signature is
    // there.
    if (end >= 20 && le(end - 20, 4) == 0x07064b50) {
        const std::uint64_t end64 = le(end - 20 + 8, 8);
        if (n < 56 || end64 > n - 56) return "its ZIP64 directory lies outside the file";
        if (le(end64, 4) == 0x06064b50) {
            entries = le(end64 + 32, 8);
            directory_size = le(end64 + 40, 8);
            directory = le(end64 + 48, 8);
        }
    }
    if (directory > n || directory_size > n - directory)
        return "its zip directory lies outside the file";
    std::uint64_t at = directory;
    const std::uint64_t stop = directory + directory_size;
    for (std::uint64_t k = 0; k < entries; ++k) {
        if (stop - at < 46 || le(at, 4) != 0x02014b50) return "its zip directory is broken";
        const std::uint64_t method = le(at + 10, 2);
        std::uint64_t packed = le(at + 20, 4), size = le(at + 24, 4), offset = le(at + 42, 4);
        const std::uint64_t name = le(at + 28, 2), extra = le(at + 30, 2), comment = le(at + 32, 2);
        if (stop - at - 46 < name + extra + comment) return "its zip directory is broken";
        // ZIP64 sizes and offset sit in extra field 1, in that order, for each that says
        // 0xffffffff.
        for (std::uint64_t e = at + 46 + name; e + 4 <= at + 46 + name + extra;) {
            const std::uint64_t id = le(e, 2), length = le(e + 2, 2);
            if (e + 4 + length > at + 46 + name + extra) break;
            if (id == 1) {
                std::uint64_t f = e + 4;
                for (std::uint64_t* field : {&size, &packed, &offset}) {
                    if (*field != 0xffffffff || f + 8 > e + 4 + length) continue;
                    *field = le(f, 8);
                    f += 8;
                }
            }
            e += 4 + length;
        }
        if (offset > n || packed > n - offset) return "a zip entry lies outside the file";
        // Stored (as torch.save writes): the size is the packed size; deflated: at most 1032:1.
        if (method == 0 ? size != packed : size / 1032 > packed + 1)
            return "a zip entry declares " + std::to_string(size) + " bytes that its " +
                   std::to_string(packed) + " packed bytes cannot hold";
        at += 46 + name + extra + comment;
    }
    return {};
}

/// Runs a pickle's opcodes up to STOP without building anything: the lengths they declare, the
/// stack depth and the marks they leave, and the memo entries they read. LibTorch's unpickler
/// trusts all three, and the fuzzer (tests/fuzz/fuzz_data_file) found each one crashing or
/// exhausting it:
/// - it sizes a string's buffer from the declared length before reading, so a 3 KB file declaring
///   a 1 GB string allocated and zeroed 1 GB;
/// - it sizes its memo to the index a LONG_BINPUT names: 2 GB for a 1 KB file;
/// - it pops its stack unchecked, so a TUPLE3 over one item freed memory it never allocated.
/// An honest pickle (what torch.save writes) never takes more than it put, never reaches below an
/// open mark, reads only memo entries it has put, and ends with one value and no open mark.
/// Returns what is wrong, or nothing.
std::string check_pickle(const unsigned char* p, std::size_t n) {
    std::size_t i = 0;
    std::size_t depth = 0;
    std::vector<std::size_t> marks;
    std::unordered_set<std::uint64_t> memo;
    auto little_endian = [&](std::size_t width) {
        std::uint64_t v = 0;
        for (std::size_t k = 0; k < width; ++k) v |= std::uint64_t(p[i + k]) << (8 * k);
        return v;
    };
    auto line = [&](std::string* text) {  // one newline-ended argument; false if it never ends
        const std::size_t from = i;
        while (i < n && p[i] != '\n') ++i;
        if (i == n) return false;
        if (text) text->assign(reinterpret_cast<const char*>(p + from), i - from);
        ++i;
        return true;
    };
    auto where = [&](std::size_t at) {
        char hex[8];
        std::snprintf(hex, sizeof hex, "0x%02x", p[at]);
        return std::string("its pickle's opcode ") + hex + " at byte " + std::to_string(at);
    };
    while (i < n) {
        const std::size_t at = i;
        const unsigned char op = p[i++];
        std::size_t width = 0;   // of the length field that precedes the data
        std::size_t fixed = 0;   // bytes of argument without data
        int lines = 0;           // newline-ended arguments
        std::size_t pops = 0;    // values it takes off the stack (above the top mark)
        std::size_t pushes = 1;  // values it puts back
        bool to_mark = false;    // takes everything above the top mark, and the mark, first
        enum { none, put, get } memo_use = none;
        switch (op) {
            case '.':  // STOP
                if (depth != 1 || !marks.empty())
                    return where(at) + " (STOP) leaves " + std::to_string(depth) + " values and " +
                           std::to_string(marks.size()) + " open marks, not one value";
                return {};
            case '(': marks.push_back(depth); continue;  // MARK
            case 0x80:
                fixed = 1;
                pushes = 0;
                break;  // PROTO
            case 0x95:
                fixed = 8;
                pushes = 0;
                break;  // FRAME (size checked below)
            case '0':
                pops = 1;
                pushes = 0;
                break;  // POP
            case '1':
                to_mark = true;
                pushes = 0;
                break;  // POP_MARK
            case '2':
                pops = 1;
                pushes = 2;
                break;  // DUP
            case 'N':
            case 0x88:
            case 0x89:
            case ')':
            case '}':
            case ']':
            case 0x8f: break;
            case 'K':
            case 0x82: fixed = 1; break;  // BININT1, EXT1
            case 'M':
            case 0x83: fixed = 2; break;  // BININT2, EXT2
            case 'J':
            case 0x84: fixed = 4; break;  // BININT, EXT4
            case 'G': fixed = 8; break;   // BINFLOAT
            case 'C':
            case 'U':
            case 0x8c:
            case 0x8a: width = 1; break;  // short bytes/str, LONG1
            case 'B':
            case 'X':
            case 'T':
            case 0x8b: width = 4; break;  // bytes, str, LONG4
            case 0x8d:
            case 0x8e:
            case 0x96: width = 8; break;  // 8-byte lengths
            case 'I':
            case 'L':
            case 'F':
            case 'S':
            case 'V':
            case 'P': lines = 1; break;
            case 'c': lines = 2; break;  // GLOBAL
            case 'i':
                lines = 2;
                to_mark = true;
                break;                        // INST
            case 'o': to_mark = true; break;  // OBJ
            case 'Q': pops = 1; break;        // BINPERSID
            case 'R':
            case 'b':
            case 0x81:
            case 0x93:
            case 'a': pops = 2; break;   // REDUCE, BUILD, NEWOBJ, STACK_GLOBAL, APPEND
            case 0x92: pops = 3; break;  // NEWOBJ_EX
            case 's': pops = 3; break;   // SETITEM
            case 't':
            case 'l':
            case 'd':
            case 0x91: to_mark = true; break;  // TUPLE, LIST, DICT, FROZENSET
            case 'e':
            case 'u':
            case 0x90:
                to_mark = true;
                pops = 1;
                break;  // APPENDS, SETITEMS, ADDITEMS
            case 0x85:
            case 0x86:
            case 0x87: pops = op - 0x84; break;  // TUPLE1, TUPLE2, TUPLE3
            case 'p':
                lines = 1;
                pops = 1;
                memo_use = put;
                break;  // PUT
            case 'q':
                fixed = 1;
                pops = 1;
                memo_use = put;
                break;  // BINPUT
            case 'r':
                fixed = 4;
                pops = 1;
                memo_use = put;
                break;  // LONG_BINPUT
            case 0x94:
                pops = 1;
                memo_use = put;
                break;  // MEMOIZE
            case 'g':
                lines = 1;
                memo_use = get;
                break;  // GET
            case 'h':
                fixed = 1;
                memo_use = get;
                break;  // BINGET
            case 'j':
                fixed = 4;
                memo_use = get;
                break;  // LONG_BINGET
            default: return where(at) + " is not a pickle opcode";
        }
        // Its argument.
        std::uint64_t index = memo.size();  // MEMOIZE's
        for (int k = 0; k < lines; ++k) {
            std::string text;
            if (!line(&text)) return where(at) + " has no end to its argument";
            if (memo_use != none) {
                char* stop = nullptr;
                index = std::strtoull(text.c_str(), &stop, 10);
                if (text.empty() || *stop) return where(at) + " names memo entry \"" + text + "\"";
            }
        }
        if (n - i < width + fixed) return "its pickle ends inside an opcode's argument";
        if (op == 0x95 && little_endian(8) > n - i - 8)
            return "its pickle declares a frame longer than the file";
        if (memo_use != none && fixed) index = little_endian(fixed);
        // The memo is numbered as it is put, one opcode each, so no honest index reaches the
        // pickle's length.
        if (memo_use == put && index >= n)
            return "its pickle puts memo entry " + std::to_string(index) + " in a pickle of " +
                   std::to_string(n) + " bytes";
        const std::uint64_t length = width ? little_endian(width) : 0;
        i += width + fixed;
        if (length > n - i)
            return "its pickle declares " + std::to_string(length) + " bytes where " +
                   std::to_string(n - i) + " are left";
        i += static_cast<std::size_t>(length);
        // Its stack.
        if (to_mark) {
            if (marks.empty()) return where(at) + " needs a mark and none is open";
            depth = marks.back();
            marks.pop_back();
        }
        const std::size_t floor = marks.empty() ? 0 : marks.back();
        if (depth - floor < pops)
            return where(at) + " takes " + std::to_string(pops) + " values where the stack holds " +
                   std::to_string(depth - floor) + (floor ? " above its mark" : "");
        depth = depth - pops + pushes;
        if (memo_use == put) memo.insert(index);
        if (memo_use == get && !memo.count(index))
            return where(at) + " reads memo entry " + std::to_string(index) +
                   ", which it never put";
    }
    return "its pickle has no STOP";
}

/// Whether every element of a strided tensor lies inside its storage (no overflow on the way).
bool fits_its_storage(const torch::Tensor& t) {
    if (t.storage_offset() < 0) return false;
    if (t.numel() == 0) return true;
    std::int64_t last = t.storage_offset();  // the furthest element's index
    for (std::int64_t d = 0; d < t.dim(); ++d) {
        std::int64_t reach = 0;
        if (t.stride(d) < 0 || __builtin_mul_overflow(t.size(d) - 1, t.stride(d), &reach) ||
            __builtin_add_overflow(last, reach, &last))
            return false;
    }
    std::int64_t bytes = 0;
    return !__builtin_mul_overflow(last + 1, std::int64_t(t.element_size()), &bytes) &&
           bytes <= std::int64_t(t.storage().nbytes());
}

/// torch::pickle_load, reading through BoundedReader, after check_zip_sizes and check_pickle.
c10::IValue load_pickle(const std::vector<char>& bytes) {
    const std::string zip_problem = check_zip_sizes(bytes);
    if (!zip_problem.empty()) throw std::runtime_error(zip_problem);
    caffe2::serialize::PyTorchStreamReader reader(std::make_unique<BoundedReader>(bytes));
    if (reader.hasRecord("data.pkl")) {
        const auto record = reader.getRecord("data.pkl");
        const std::string problem = check_pickle(
            static_cast<const unsigned char*>(std::get<0>(record).get()), std::get<1>(record));
        if (!problem.empty()) throw std::runtime_error(problem);
    }
    return torch::jit::readArchiveAndTensors("data", "", "", c10::nullopt, c10::nullopt,
                                             c10::nullopt, reader);
}

torch::Tensor tensor_entry(const c10::impl::GenericDict& dict, const std::string& key,
                           const std::string& path) {
    for (const auto& item : dict) {
        if (item.key().isString() && item.key().toStringRef() == key) {
            if (!item.value().isTensor())
                throw LoadError(
                    ErrorPhase::data,
                    path + ": \"" + key + "\" must be a tensor, got " + item.value().tagKind());
            return item.value().toTensor();
        }
    }
    throw LoadError(ErrorPhase::data,
                    path + ": no \"" + key +
                        "\" entry (save the data with torch.save({\"x\": X, \"y\": Y}, path))");
}

Dataset load_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw LoadError(ErrorPhase::data, path + ": cannot open the data file");
    const std::vector<char> bytes((std::istreambuf_iterator<char>(in)),
                                  std::istreambuf_iterator<char>());
    return read_dataset(bytes, path);
}

}  // namespace

Dataset read_dataset(const std::vector<char>& bytes, const std::string& path) {
    if (bytes.empty()) throw LoadError(ErrorPhase::data, path + ": the data file is empty");
    c10::IValue value;
    try {
        value = load_pickle(bytes);
    } catch (const c10::Error& e) {
        std::string what = e.what_without_backtrace();
        what = what.substr(0, what.find('\n'));
        throw LoadError(
            ErrorPhase::data,
            path + ": cannot read it as a torch.save file of {\"x\": X, \"y\": Y} (" + what + ")");
    } catch (const std::exception& e) {
        throw LoadError(ErrorPhase::data,
                        path + ": cannot read it as a torch.save file of {\"x\": X, \"y\": Y} (" +
                            std::string(e.what()) + ")");
    }
    if (!value.isGenericDict())
        throw LoadError(ErrorPhase::data,
                        path + ": expected a dict {\"x\": X, \"y\": Y}, got " + value.tagKind());
    const auto dict = value.toGenericDict();
    Dataset d{tensor_entry(dict, "x", path), tensor_entry(dict, "y", path)};
    for (const auto& [name, t] :
         {std::pair<const char*, const torch::Tensor&>{"x", d.x}, {"y", d.y}}) {
        // A pickle can name any storage class: a QUInt8Storage gives a quantized tensor without a
        // quantizer, on which slicing fails an internal assert of LibTorch's (found by
        // tests/fuzz/fuzz_data_file). Training needs dense tensors of real numbers.
        const bool real =
            c10::isFloatingType(t.scalar_type()) || c10::isIntegralType(t.scalar_type(), true);
        if (t.layout() != torch::kStrided || t.is_quantized() || !real)
            throw LoadError(ErrorPhase::data,
                            path + ": \"" + name +
                                "\" must be a dense tensor of real numbers, got " +
                                c10::toString(t.scalar_type()) + " (" +
                                (t.is_quantized() ? "quantized" : c10::str(t.layout())) + ")");
        // The pickle gives sizes, strides and offset apart from the storage's length, and
        // LibTorch does not check them against each other until a view is taken (found by
        // tests/fuzz/fuzz_data_file): every element must lie inside the storage.
        if (!fits_its_storage(t))
            throw LoadError(ErrorPhase::data, path + ": \"" + name + "\" has sizes " +
                                                  c10::str(t.sizes()) + " and strides " +
                                                  c10::str(t.strides()) +
                                                  " that reach past its storage of " +
                                                  std::to_string(t.storage().nbytes()) + " bytes");
    }
    if (d.x.dim() == 0 || d.y.dim() == 0)
        throw LoadError(ErrorPhase::data, path + ": x and y need a first (sample) dimension");
    if (d.x.size(0) != d.y.size(0))
        throw LoadError(ErrorPhase::data, path + ": x has " + std::to_string(d.x.size(0)) +
                                              " samples but y has " + std::to_string(d.y.size(0)));
    if (d.x.size(0) == 0) throw LoadError(ErrorPhase::data, path + ": the data set has no samples");
    return d;
}

Dataset synthetic_dataset(const DataSpec& spec, std::int64_t seed, torch::ScalarType dtype) {
    auto gen = at::detail::createCPUGenerator(static_cast<std::uint64_t>(seed));
    const auto f64 = torch::TensorOptions().dtype(torch::kFloat64);
    const std::int64_t n = spec.samples;
    Dataset d;
    if (spec.synthetic == "linear") {
        d.x = torch::randn({n, spec.features}, gen, f64);
        // Fixed, readable generating weights: 1.5, -2, 0.5, 3, 1.5, -2, ... and bias 0.7.
        const double pattern[] = {1.5, -2.0, 0.5, 3.0};
        auto w = torch::empty({spec.features, 1}, f64);
        for (std::int64_t i = 0; i < spec.features; ++i) w[i][0] = pattern[i % 4];
        d.y = d.x.matmul(w) + 0.7 + spec.noise * torch::randn({n, 1}, gen, f64);
    } else if (spec.synthetic == "spiral") {
        const std::int64_t half = n / 2;
        auto label = torch::cat({torch::zeros({half}, f64), torch::ones({n - half}, f64)});
        auto t = torch::cat(
            {torch::linspace(0.0, 1.0, half, f64), torch::linspace(0.0, 1.0, n - half, f64)});
        auto r = 0.2 + 0.8 * t;
        auto angle = t * 3.0 * M_PI + label * M_PI;
        d.x = torch::stack({r * torch::cos(angle), r * torch::sin(angle)}, 1) +
              spec.noise * torch::randn({n, 2}, gen, f64);
        d.y = label.unsqueeze(1);
    } else {  // moons
        const std::int64_t half = n / 2;
        auto a = torch::linspace(0.0, M_PI, half, f64);
        auto b = torch::linspace(0.0, M_PI, n - half, f64);
        auto upper = torch::stack({torch::cos(a), torch::sin(a)}, 1);
        auto lower = torch::stack({1.0 - torch::cos(b), 0.5 - torch::sin(b)}, 1);
        d.x = torch::cat({upper, lower}) + spec.noise * torch::randn({n, 2}, gen, f64);
        d.y = torch::cat({torch::zeros({half, 1}, f64), torch::ones({n - half, 1}, f64)});
    }
    if (spec.synthetic != "linear") {
        // interleave the classes so that sequential batches see both
        auto order = torch::randperm(n, gen, torch::TensorOptions().dtype(torch::kInt64));
        d.x = d.x.index_select(0, order);
        d.y = d.y.index_select(0, order);
    }
    d.x = d.x.to(dtype).contiguous();
    d.y = d.y.to(dtype).contiguous();
    return d;
}

Dataset load_dataset(const RunConfig& config, torch::ScalarType model_dtype) {
    if (config.data.kind == DataSpec::Kind::file)
        return load_file(resolve_path(config, config.data.path));
    torch::ScalarType dtype = model_dtype;
    if (config.data.dtype == "float32") dtype = torch::kFloat32;
    if (config.data.dtype == "float64") dtype = torch::kFloat64;
    return synthetic_dataset(config.data, config.seed, dtype);
}

DataLoader::DataLoader(Dataset data, std::int64_t batch_size, bool shuffle, bool drop_last)
    : data_(std::move(data)), batch_size_(batch_size), shuffle_(shuffle), drop_last_(drop_last) {}

std::int64_t DataLoader::size() const {
    const std::int64_t n = data_.x.size(0);
    return drop_last_ ? n / batch_size_ : (n + batch_size_ - 1) / batch_size_;
}

namespace {
/// torch.empty((), dtype=torch.int64).random_().item() on the global generator.
std::int64_t draw_int64() {
    return torch::empty({}, torch::TensorOptions().dtype(torch::kInt64))
        .random_()
        .item<std::int64_t>();
}
}  // namespace

void DataLoader::start_epoch(std::int64_t epoch) {
    epoch_ = epoch;
    // iter(loader): _BaseDataLoaderIter.__init__ creates the sampler iterator (a generator: it
    // runs only at the first next()), then draws _base_seed (used by worker processes only).
    draw_int64();
    if (!shuffle_) return;
    // The first next(): RandomSampler.__iter__ seeds a fresh generator from the global one.
    const std::int64_t seed = draw_int64();
    auto generator = at::detail::createCPUGenerator(static_cast<std::uint64_t>(seed));
    perm_ =
        torch::randperm(data_.x.size(0), generator, torch::TensorOptions().dtype(torch::kInt64));
}

std::int64_t DataLoader::samples_in(std::int64_t batches) const {
    const std::int64_t n = drop_last_ ? size() * batch_size_ : data_.x.size(0);
    return std::min(std::max<std::int64_t>(batches, 0) * batch_size_, n);
}

std::pair<torch::Tensor, torch::Tensor> DataLoader::batch(std::int64_t epoch, std::int64_t i) {
    if (epoch != epoch_) start_epoch(epoch);
    const std::int64_t n = data_.x.size(0);
    const std::int64_t start = i * batch_size_;
    const std::int64_t end = std::min(start + batch_size_, n);
    if (!shuffle_) return {data_.x.slice(0, start, end), data_.y.slice(0, start, end)};
    const auto idx = perm_.slice(0, start, end);
    return {data_.x.index_select(0, idx), data_.y.index_select(0, idx)};
}

c10::IValue DataLoader::fetch(std::int64_t epoch, std::int64_t i) {
    auto [x, y] = batch(epoch, i);
    return c10::ivalue::Tuple::create({std::move(x), std::move(y)});
}

}  // namespace stepwise
