#include "script_module.h"

#include <caffe2/serialize/inline_container.h>
#include <torch/csrc/jit/frontend/error_report.h>
#include <torch/csrc/jit/passes/inliner.h>
#include <torch/torch.h>

#include <filesystem>
#include <fstream>

#include "errors.h"
#include "model_source.h"

namespace stepwise {

namespace {

torch::Tensor initialise(const ParamDecl& decl, torch::ScalarType dtype, torch::Generator& gen) {
    const auto options = torch::TensorOptions().dtype(dtype);
    const auto& a = decl.args;
    if (decl.init == "zeros") return torch::zeros(decl.shape, options);
    if (decl.init == "ones") return torch::ones(decl.shape, options);
    if (decl.init == "constant") return torch::full(decl.shape, a[0], options);
    if (decl.init == "literal")
        return torch::tensor(a, torch::TensorOptions().dtype(torch::kFloat64))
            .reshape(decl.shape)
            .to(dtype);
    auto t = torch::empty(decl.shape, options);
    if (decl.init == "uniform") return t.uniform_(a[0], a[1], gen);
    if (decl.init == "normal") return t.normal_(a[0], a[1], gen);
    // linear(fan_in): nn.Linear's default, U(-1/sqrt(fan_in), 1/sqrt(fan_in))
    const double bound = 1.0 / std::sqrt(a[0]);
    return t.uniform_(-bound, bound, gen);
}

bool block_draws_random(const torch::jit::Block* block) {
    for (const torch::jit::Node* node : block->nodes()) {
        const auto kind = node->kind();
        // A call left after inlining (an interface, a class method): what it does is unknown.
        if (kind == c10::prim::CallMethod || kind == c10::prim::CallFunction) return true;
        if (node->isNondeterministic()) return true;
        if (std::string(kind.toQualString()).find("dropout") != std::string::npos) return true;
        if (const c10::FunctionSchema* schema = node->maybeSchema()) {
            for (const auto& arg : schema->arguments()) {
                c10::TypePtr type = arg.type();
                if (auto optional = type->cast<c10::OptionalType>())
                    type = optional->getElementType();
                if (type->kind() == c10::TypeKind::GeneratorType) return true;
            }
        } else if (kind.is_aten()) {
            return true;  // an aten op without a known schema: assume it draws
        }
        for (const torch::jit::Block* inner : node->blocks())
            if (block_draws_random(inner)) return true;
    }
    return false;
}

bool graph_draws_random(torch::jit::Method& method) {
    try {
        auto graph = method.graph()->copy();
        torch::jit::Inline(*graph);
        return block_draws_random(graph->block());
    } catch (...) {
        return true;  // when in doubt, share the generator
    }
}

}  // namespace

ScriptModule::ScriptModule(torch::jit::Module module, const std::string& origin)
    : module_(std::move(module)) {
    module_.train();
    method_ = module_.find_method("training_step");
    if (!method_)
        throw LoadError(ErrorPhase::model,
                        origin +
                            ": the module has no training_step method. In Python, mark it "
                            "with @torch.jit.export so torch.jit.script keeps it.");
    // (batch, batch_idx) if it takes batch_idx or two arguments after self, else (batch,).
    const auto& args = method_->function().getSchema().arguments();
    const std::size_t after_self = args.empty() ? 0 : args.size() - 1;
    if (after_self == 0)
        throw LoadError(ErrorPhase::model,
                        origin + ": training_step must take at least the batch argument");
    bool named_batch_idx = false;
    for (const auto& arg : args) named_batch_idx |= arg.name() == "batch_idx";
    takes_batch_idx_ = named_batch_idx || after_self >= 2;
    for (const auto& item : module_.named_parameters(/*recurse=*/true)) {
        params_.emplace_back(item.name, item.value);
    }
    if (params_.empty())
        throw LoadError(ErrorPhase::model, origin + ": the module has no parameters to train");
    draws_random_ = graph_draws_random(*method_);
}

namespace {
/// The TorchScript code torch.jit.save keeps in the file's code/ records (Python-like source of
/// every class and method, training_step among them), each after a "# file: NAME" line. The file
/// has just loaded, so it is a sound archive; anything unexpected gives no code, not an error.
std::string torchscript_code(const std::string& path) {
    try {
        caffe2::serialize::PyTorchStreamReader reader(path);
        std::string out;
        for (const std::string& name : reader.getAllRecords()) {
            const bool code = name.rfind("code/", 0) == 0 && name.size() > 3 &&
                              name.compare(name.size() - 3, 3, ".py") == 0;
            if (!code) continue;
            auto [data, size] = reader.getRecord(name);
            if (size > (std::size_t(4) << 20)) continue;  // not a hand-written method
            out += "# file: " + name + "\n";
            out.append(static_cast<const char*>(data.get()), size);
            if (!out.empty() && out.back() != '\n') out += '\n';
            out += '\n';
        }
        return out;
    } catch (...) {
        return {};
    }
}
}  // namespace

std::unique_ptr<ScriptModule> ScriptModule::load_torchscript(const std::string& path) {
    if (!std::filesystem::exists(path))
        throw LoadError(ErrorPhase::model, path + ": no such TorchScript file");
    torch::jit::Module module;
    try {
        module = torch::jit::load(path);
    } catch (const c10::Error& e) {
        std::string what = e.what_without_backtrace();
        const auto cut = what.find('\n');
        if (cut != std::string::npos) what = what.substr(0, cut);
        throw LoadError(
            ErrorPhase::model,
            path + ": not a TorchScript module file (torch.jit.load failed: " + what + ")");
    } catch (const std::exception& e) {
        throw LoadError(ErrorPhase::model,
                        path + ": not a TorchScript module file (" + std::string(e.what()) + ")");
    }
    std::unique_ptr<ScriptModule> loaded(new ScriptModule(std::move(module), path));
    loaded->code_ = torchscript_code(path);
    return loaded;
}

std::unique_ptr<ScriptModule> ScriptModule::compile_source(const std::string& text,
                                                           const std::string& origin,
                                                           std::int64_t seed) {
    const ParsedSource parsed = parse_model_source(text, origin);
    const auto dtype = parsed.dtype == "float64" ? torch::kFloat64 : torch::kFloat32;
    // A fresh compilation unit each time: a failed define leaves half-defined methods behind.
    torch::jit::Module module("StepwiseModel");
    auto gen = at::detail::createCPUGenerator(static_cast<std::uint64_t>(seed));
    for (const auto& decl : parsed.params) {
        torch::NoGradGuard no_grad;
        module.register_parameter(decl.name, initialise(decl, dtype, gen).requires_grad_(true),
                                  false);
    }
    try {
        module.define(parsed.code);
    } catch (const torch::jit::ErrorReport& e) {
        throw LoadError(ErrorPhase::model, format_compile_error(e.what(), origin));
    } catch (const c10::Error& e) {
        throw LoadError(ErrorPhase::model,
                        format_compile_error(e.what_without_backtrace(), origin));
    } catch (const std::exception& e) {
        throw LoadError(ErrorPhase::model, format_compile_error(e.what(), origin));
    }
    // register_parameter keeps the tensor; make sure autograd tracks it (spec stack note).
    for (const auto& item : module.named_parameters()) item.value.requires_grad_(true);
    std::unique_ptr<ScriptModule> compiled(new ScriptModule(std::move(module), origin));
    compiled->code_ = text;
    return compiled;
}

c10::IValue ScriptModule::training_step(const c10::IValue& batch, std::int64_t batch_idx) {
    std::vector<c10::IValue> inputs;
    inputs.reserve(2);
    inputs.push_back(batch);
    if (takes_batch_idx_) inputs.emplace_back(batch_idx);
    return (*method_)(std::move(inputs));
}

NamedTensors ScriptModule::buffers() const {
    NamedTensors out;
    for (const auto& b : module_.named_buffers(/*recurse=*/true)) out.emplace_back(b.name, b.value);
    return out;
}

}  // namespace stepwise
