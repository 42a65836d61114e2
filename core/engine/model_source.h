#pragma once
// Stepwise's TorchScript source format (".stepwise"): parameter declarations plus TorchScript
// methods in one readable text, compiled with torch::jit::Module::define, no Python needed.
//
//   # comment
//   dtype float64                              (optional; float32 by default)
//   param weight: [1, 4] = uniform(-0.5, 0.5)  (zeros, ones, constant(v), uniform(a, b),
//   param bias: [1] = zeros                     normal(mean, std), linear(fan_in), or a literal
//   param w2: [2] = [0.1, -0.2]                 nested list of numbers)
//
//   def forward(self, x: Tensor) -> Tensor:
//       return x @ self.weight.t() + self.bias
//
//   def training_step(self, batch: Tuple[Tensor, Tensor], batch_idx: int):
//       ...
//
// `param` and `dtype` lines start at column 0. They are blanked before compiling, so TorchScript's
// line numbers are the file's line numbers.

#include <cstdint>
#include <string>
#include <vector>

namespace stepwise {

struct ParamDecl {
    std::string name;
    std::vector<std::int64_t> shape;
    /// "zeros", "ones", "constant", "uniform", "normal", "linear", "literal"
    std::string init;
    std::vector<double> args;  ///< the initialiser's numbers (literal: the values, row-major)
    int line = 0;
};

struct ParsedSource {
    std::vector<ParamDecl> params;
    std::string dtype = "float32";
    std::string code;  ///< the TorchScript methods, with declaration lines blanked
};

/// Throws LoadError(ErrorPhase::model, "<origin>:<line>:<column>: <what>").
ParsedSource parse_model_source(const std::string& text, const std::string& origin);

/// Turns a TorchScript compile error into "<origin>:<line>:<column>: error: <first line>" followed
/// by TorchScript's own excerpt. Line and column are 1-based.
std::string format_compile_error(const std::string& torch_message, const std::string& origin);

}  // namespace stepwise
