// The .stepwise source parser, and the formatter of TorchScript's compile errors (which reads
// TorchScript's message text): either gives a result or throws LoadError, and the parsed code
// keeps the file's line numbers (declaration lines are blanked, never removed).

#include <algorithm>

#include "errors.h"
#include "fuzz_check.h"
#include "model_source.h"

using namespace stepwise;

namespace {

std::size_t line_count(const std::string& text) {
    return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) +
           (!text.empty() && text.back() != '\n');
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text = fuzz::as_text(data, size);
    (void)format_compile_error(text, "fuzz.stepwise");
    ParsedSource parsed;
    try {
        parsed = parse_model_source(text, "fuzz.stepwise");
    } catch (const LoadError&) {
        return 0;
    }
    const std::size_t lines = line_count(text);
    fuzz::require(line_count(parsed.code) <= lines, "the code has more lines than the file",
                  parsed.code);
    for (const ParamDecl& p : parsed.params) {
        fuzz::require(p.line >= 1 && static_cast<std::size_t>(p.line) <= lines,
                      "a parameter's line is outside the file", p.name);
        fuzz::require(!p.name.empty(), "a parameter without a name");
    }
    return 0;
}
