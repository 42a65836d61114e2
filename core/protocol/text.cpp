#include "stepwise/text.h"

#include <array>
#include <cstddef>
#include <cstdio>

namespace stepwise {

namespace {

struct CodeInfo {
    int arity;
    const char* english;
};
#define STEPWISE_TEXT_INFO(name, arity, english) {arity, english},
constexpr std::array<CodeInfo, kTextCodeCount> kCodes = {{STEPWISE_TEXT_CODES(STEPWISE_TEXT_INFO)}};
#undef STEPWISE_TEXT_INFO
constexpr EnumNames<TextCode, kTextCodeCount> kCodeNames{{STEPWISE_TEXT_CODES(STEPWISE_NAME)}};
static_assert(kCodeNames.distinct());

const CodeInfo& info(TextCode code) {
    const auto i = static_cast<std::size_t>(code);
    return kCodes[i < kCodes.size() ? i : 0];
}

/// Replaces %1..%9 in `pattern` by the arguments (a missing one stays empty).
std::string substitute(const char* pattern, const std::vector<std::string>& args) {
    std::string out;
    for (const char* p = pattern; *p; ++p) {
        if (p[0] == '%' && p[1] >= '1' && p[1] <= '9') {
            const auto index = static_cast<std::size_t>(p[1] - '1');
            if (index < args.size()) out += args[index];
            ++p;
        } else {
            out += *p;
        }
    }
    return out;
}

}  // namespace

std::string format_norm_arg(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.6g", value);
    return text;
}

const char* text_code_name(TextCode code) {
    return kCodeNames.name(code);
}

std::optional<TextCode> text_code_from_name(std::string_view name) {
    return kCodeNames.find(name);
}

int text_code_arity(TextCode code) {
    return info(code).arity;
}

std::string format_text(const Text& text) {
    if (text.code == TextCode::output_dict_with_loss && text.args.size() == 1) {
        // English plural: "1 extra", "2 extras"
        const char* noun = text.args[0] == "1" ? " extra" : " extras";
        return "dict with 'loss' and " + text.args[0] + noun + ": loss / N is backpropagated";
    }
    return substitute(info(text.code).english, text.args);
}

}  // namespace stepwise
