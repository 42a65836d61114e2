#pragma once
// The JSON pieces the trace codec and the tensor reports share (protocol library internal): numbers
// that may be NaN or infinite, and readers that throw TraceError naming the field.

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "stepwise/tensors.h"
#include "stepwise/trace.h"

namespace stepwise::json_codec {

using nlohmann::ordered_json;

inline ordered_json number(double v) {
    // JSON has no NaN or Infinity: write them as strings so they stay visible.
    if (std::isnan(v)) return "nan";
    if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
    return v;
}

inline std::string dump(const ordered_json& j) {
    // `replace`: invalid UTF-8 becomes U+FFFD instead of an exception that would end the process.
    return j.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
}

[[noreturn]] inline void fail(const std::string& what) {
    throw TraceError(what);
}

inline const ordered_json* find(const ordered_json& j, const char* key) {
    const auto it = j.find(key);
    return it == j.end() ? nullptr : &*it;
}

inline double get_number(const ordered_json& v, const char* key) {
    if (v.is_number()) return v.get<double>();
    if (v.is_string()) {
        const auto& s = v.get_ref<const std::string&>();
        if (s == "nan") return std::numeric_limits<double>::quiet_NaN();
        if (s == "inf") return std::numeric_limits<double>::infinity();
        if (s == "-inf") return -std::numeric_limits<double>::infinity();
    }
    fail(std::string("\"") + key + "\": expected a number, got " + dump(v));
}

inline std::optional<double> opt_number(const ordered_json& j, const char* key) {
    const ordered_json* v = find(j, key);
    if (!v || v->is_null()) return std::nullopt;
    return get_number(*v, key);
}

template <class T>
T get_int(const ordered_json& j, const char* key, T fallback) {
    const ordered_json* v = find(j, key);
    if (!v) return fallback;
    if (!v->is_number_integer())
        fail(std::string("\"") + key + "\": expected an integer, got " + dump(*v));
    if constexpr (std::is_unsigned_v<T>) {
        if (v->is_number_unsigned()) return static_cast<T>(v->get<std::uint64_t>());
        fail(std::string("\"") + key + "\": expected a non-negative integer, got " + dump(*v));
    } else {
        const auto wide = v->get<std::int64_t>();
        if (wide < std::numeric_limits<T>::min() || wide > std::numeric_limits<T>::max())
            fail(std::string("\"") + key + "\": out of range: " + dump(*v));
        return static_cast<T>(wide);
    }
}

inline std::string get_string(const ordered_json& j, const char* key,
                              const std::string& fallback = {}) {
    const ordered_json* v = find(j, key);
    if (!v) return fallback;
    if (!v->is_string()) fail(std::string("\"") + key + "\": expected a string, got " + dump(*v));
    return v->get<std::string>();
}

inline bool get_bool(const ordered_json& j, const char* key, bool fallback = false) {
    const ordered_json* v = find(j, key);
    if (!v) return fallback;
    if (!v->is_boolean())
        fail(std::string("\"") + key + "\": expected true or false, got " + dump(*v));
    return v->get<bool>();
}

inline const ordered_json& need(const ordered_json& j, const char* key,
                                bool (ordered_json::*is)() const noexcept, const char* what) {
    const ordered_json* v = find(j, key);
    if (!v || !(v->*is)()) fail(std::string("\"") + key + "\": expected " + what);
    return *v;
}

inline std::vector<std::int64_t> get_shape(const ordered_json& j) {
    std::vector<std::int64_t> shape;
    const ordered_json* v = find(j, "shape");
    if (!v) return shape;
    if (!v->is_array()) fail("\"shape\": expected an array of integers");
    for (const auto& d : *v) {
        if (!d.is_number_integer()) fail("\"shape\": expected an array of integers");
        shape.push_back(d.get<std::int64_t>());
    }
    return shape;
}

/// The enum named at `key`, `fallback` when there is none; a name it does not know fails naming
/// `what` ("unknown stage \"forward\"").
template <class Enum>
Enum get_enum(const ordered_json& j, const char* key, Enum fallback,
              std::optional<Enum> (*from_name)(const std::string&), const char* what) {
    if (!find(j, key)) return fallback;
    const std::string name = get_string(j, key);
    const std::optional<Enum> value = from_name(name);
    if (!value) fail(std::string("unknown ") + what + " \"" + name + "\"");
    return *value;
}

// The Tensors dock's report and the accumulation ledger (tensors_json.cpp).
ordered_json tensor_report_json(const TensorReport& report);
TensorReport read_tensor_report(const ordered_json& j);
ordered_json ledger_json(const AccumulationLedger& ledger);
AccumulationLedger read_ledger(const ordered_json& j);

}  // namespace stepwise::json_codec
