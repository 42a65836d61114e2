#include "stepwise/numbers.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace stepwise {

namespace {

/// A finite double's shortest round-trip digits: value = ±0.d1d2d3... × 10^(exponent + 1), i.e.
/// d1.d2d3... × 10^exponent.
struct Decimal {
    bool negative = false;
    std::string digits;  ///< no leading or trailing zeros (but "0" for zero)
    int exponent = 0;
};

Decimal decimal(double value) {
    char text[64];
    const auto r = std::to_chars(text, text + sizeof text, value, std::chars_format::scientific);
    const std::string_view s(text, std::size_t(r.ptr - text));  // "-1.2345e-07"
    Decimal d;
    std::size_t i = 0;
    if (s[i] == '-') {
        d.negative = true;
        ++i;
    }
    const std::size_t e = s.find('e');
    for (; i < e; ++i)
        if (s[i] != '.') d.digits += s[i];
    d.exponent = std::atoi(std::string(s.substr(e + 1)).c_str());
    return d;
}

std::string non_finite(double value) {
    if (std::isnan(value)) return "nan";  // whatever its sign bit
    return value > 0 ? "inf" : "-inf";
}

/// d.ddd in fixed notation (exponent in a fixed range); `point_zero`: "3.0" rather than "3".
std::string fixed(const Decimal& d, bool point_zero) {
    const int n = int(d.digits.size());
    std::string out;
    if (d.exponent < 0) {
        out = "0." + std::string(std::size_t(-d.exponent - 1), '0') + d.digits;
    } else if (n <= d.exponent + 1) {
        out = d.digits + std::string(std::size_t(d.exponent + 1 - n), '0');
        if (point_zero) out += ".0";
    } else {
        out = d.digits.substr(0, std::size_t(d.exponent + 1)) + "." +
              d.digits.substr(std::size_t(d.exponent + 1));
    }
    return d.negative ? "-" + out : out;
}

/// d.ddde±XX, at least two exponent digits (as printf and Python write them).
std::string scientific(const Decimal& d) {
    std::string out = d.digits.substr(0, 1);
    if (d.digits.size() > 1) out += "." + d.digits.substr(1);
    char exponent[16];
    std::snprintf(exponent, sizeof exponent, "e%c%02d", d.exponent < 0 ? '-' : '+',
                  std::abs(d.exponent));
    out += exponent;
    return d.negative ? "-" + out : out;
}

}  // namespace

std::string python_float_repr(double value) {
    if (!std::isfinite(value)) return non_finite(value);
    const Decimal d = decimal(value);
    // float_repr_style 'short': fixed notation for exponents in [-4, 16).
    return d.exponent >= -4 && d.exponent < 16 ? fixed(d, true) : scientific(d);
}

std::string general_number(double value) {
    if (!std::isfinite(value)) return non_finite(value);
    const Decimal d = decimal(value);
    const int n = int(d.digits.size());
    const int precision = n <= 6 ? 6 : n <= 10 ? 10 : 17;
    return d.exponent >= -4 && d.exponent < precision ? fixed(d, false) : scientific(d);
}

std::string shortest_number(double value) {
    if (!std::isfinite(value)) return non_finite(value);
    char text[64];
    const auto r = std::to_chars(text, text + sizeof text, value);
    return std::string(text, r.ptr);
}

}  // namespace stepwise
