#pragma once
// The one way the protocol library reads JSON that a person or a peer wrote — a run config, a
// trace line, a command or a wire message: a value together with the key path that led to it, so
// that every error names where it is ("optimizer.lr", "breakpoints[1].when",
// "payload.grad_norm.total"). Each kind of document has a Style: how its errors read and what they
// throw. Protocol library internal.

#include <cmath>
#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace stepwise::json {

using Json = nlohmann::ordered_json;

/// JSON as the protocol writes it: invalid UTF-8 (a user's text) becomes U+FFFD instead of an
/// exception that would end the process.
inline std::string dump(const Json& j) {
    return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

/// How a kind of document reports what is wrong with it.
struct Style {
    /// Put before every message ("cfg.json: "): a config names its file. Empty for a line.
    std::string origin;
    /// Quote the path ("\"payload.loss\": ...", a trace line's field) rather than not
    /// ("data.samples:
    /// ...", a config's key).
    bool quote_path = false;
    /// Whole numbers written as floats (8.0) are integers too (a config written by hand).
    bool lenient_integers = false;
    /// Numbers may be the strings "nan", "inf" and "-inf" (the trace keeps them visible so).
    bool number_strings = false;
    /// Throws the document's error type with the whole message (it must throw).
    void (*raise)(const std::string& message) = nullptr;
};

/// A value of a document and where in it it is. Cheap to copy; it refers to the document, which
/// must outlive it.
class Field {
  public:
    Field(const Json& value, const Style& style) : value_(&value), style_(&style) {}

    const Json& json() const { return *value_; }
    /// The keys that lead here: "optimizer.betas[1]" (empty at the top).
    std::string path() const { return parent_.empty() ? leaf_ : parent_ + "." + leaf_; }

    /// Throws "<origin><path>: <what>": a config's path whole ("optimizer.betas[1]: ..."), a line's
    /// last key quoted after the keys that lead to it ("payload.ledger: \"batches[0]\": ..."); at
    /// the top, "(top level): " for a config and nothing for a line.
    [[noreturn]] void fail(const std::string& what) const {
        std::string where;
        if (leaf_.empty())
            where = style_->origin.empty() ? "" : "(top level): ";
        else if (style_->quote_path)
            where = (parent_.empty() ? "" : parent_ + ": ") + "\"" + leaf_ + "\": ";
        else
            where = path() + ": ";
        style_->raise(style_->origin + where + what);
        throw std::logic_error("json::Style::raise returned");
    }

    /// Fails about `key` of this object, which may not be there ("optimizer.name: missing").
    [[noreturn]] void fail_at(const std::string& key, const std::string& what) const {
        child(*value_, key).fail(what);
    }

    /// The value at `key` of this object, if there is one.
    std::optional<Field> find(const char* key) const {
        if (!value_->is_object()) return std::nullopt;
        const auto it = value_->find(key);
        if (it == value_->end()) return std::nullopt;
        return child(*it, key);
    }
    /// The value at `key`, which must be there and be what `is` says ("expected <what>").
    Field need(const char* key, bool (Json::*is)() const noexcept, const char* what) const {
        const auto f = find(key);
        if (!f || !(f->json().*is)()) fail_at(key, std::string("expected ") + what);
        return *f;
    }
    /// Item `i` of this array.
    Field item(std::size_t i) const {
        Field f((*value_)[i], *style_);
        f.parent_ = parent_;
        f.leaf_ = leaf_ + "[" + std::to_string(i) + "]";
        return f;
    }
    std::size_t size() const { return value_->size(); }

    /// This object, or fail "expected <what>".
    const Field& expect(bool (Json::*is)() const noexcept, const char* what) const {
        if (!(value_->*is)()) fail(std::string("expected ") + what);
        return *this;
    }
    /// Fails naming the first key of this object that is not allowed, and the allowed ones.
    void only_keys(const std::set<std::string>& allowed) const {
        expect(&Json::is_object, "an object");
        for (const auto& item : value_->items()) {
            if (allowed.count(item.key())) continue;
            std::string list;
            for (const auto& k : allowed) list += (list.empty() ? "" : ", ") + k;
            child(item.value(), item.key()).fail("unknown key (allowed here: " + list + ")");
        }
    }

    double number() const {
        if (value_->is_number()) return value_->get<double>();
        if (style_->number_strings && value_->is_string()) {
            const auto& s = value_->get_ref<const std::string&>();
            if (s == "nan") return std::numeric_limits<double>::quiet_NaN();
            if (s == "inf") return std::numeric_limits<double>::infinity();
            if (s == "-inf") return -std::numeric_limits<double>::infinity();
        }
        fail("expected a number, got " + dump(*value_));
    }
    template <class T = std::int64_t>
    T integer() const {
        if (style_->lenient_integers && value_->is_number_float()) {
            const double d = value_->get<double>();
            if (std::floor(d) == d && std::abs(d) < 9e15) return in_range<T>(std::int64_t(d));
        }
        if (!value_->is_number_integer()) fail("expected an integer, got " + dump(*value_));
        if constexpr (std::is_unsigned_v<T>) {
            if (!value_->is_number_unsigned())
                fail("expected a non-negative integer, got " + dump(*value_));
            const auto wide = value_->get<std::uint64_t>();
            if (wide > std::numeric_limits<T>::max()) fail("out of range: " + dump(*value_));
            return static_cast<T>(wide);
        } else {
            return in_range<T>(value_->get<std::int64_t>());
        }
    }
    bool boolean() const {
        if (!value_->is_boolean()) fail("expected true or false, got " + dump(*value_));
        return value_->get<bool>();
    }
    std::string string() const {
        if (!value_->is_string()) fail("expected a string, got " + dump(*value_));
        return value_->get<std::string>();
    }
    /// The enumerator this string names (`from_name`: stage_from_name, ...); "unknown <what>
    /// \"name\"" when none does.
    /// `allowed` (optional) lists the names in the message.
    template <class Enum>
    Enum name_in(std::optional<Enum> (*from_name)(std::string_view), const char* what,
                 const char* allowed = nullptr) const {
        const std::string name = string();
        const auto value = from_name(name);
        if (!value)
            fail(std::string("unknown ") + what + " \"" + name + "\"" +
                 (allowed ? std::string(" (") + allowed + ")" : std::string()));
        return *value;
    }

    // The same at `key`, with a fallback for a key that is not there.
    std::optional<double> number_at(const char* key) const {
        const auto f = find(key);
        if (!f || f->json().is_null()) return std::nullopt;
        return f->number();
    }
    template <class T>
    T integer_at(const char* key, T fallback) const {
        const auto f = find(key);
        return f ? f->integer<T>() : fallback;
    }
    bool boolean_at(const char* key, bool fallback = false) const {
        const auto f = find(key);
        return f ? f->boolean() : fallback;
    }
    std::string string_at(const char* key, const std::string& fallback = {}) const {
        const auto f = find(key);
        return f ? f->string() : fallback;
    }
    template <class Enum>
    Enum name_at(const char* key, Enum fallback, std::optional<Enum> (*from_name)(std::string_view),
                 const char* what) const {
        const auto f = find(key);
        return f ? f->name_in(from_name, what) : fallback;
    }
    /// An array of integers at "shape" (none: empty).
    std::vector<std::int64_t> shape_at(const char* key = "shape") const {
        std::vector<std::int64_t> shape;
        const auto f = find(key);
        if (!f) return shape;
        f->expect(&Json::is_array, "an array of integers");
        for (std::size_t i = 0; i < f->size(); ++i) shape.push_back(f->item(i).integer());
        return shape;
    }
    /// An array of numbers at `key` (none: empty).
    std::vector<double> numbers_at(const char* key) const {
        std::vector<double> out;
        const auto f = find(key);
        if (!f) return out;
        f->expect(&Json::is_array, "an array of numbers");
        out.reserve(f->size());
        for (std::size_t i = 0; i < f->size(); ++i) out.push_back(f->item(i).number());
        return out;
    }

  private:
    Field child(const Json& value, const std::string& key) const {
        Field f(value, *style_);
        f.parent_ = path();
        f.leaf_ = key;
        return f;
    }
    template <class T>
    T in_range(std::int64_t wide) const {
        if (wide < std::int64_t(std::numeric_limits<T>::min()) ||
            (wide > 0 && std::uint64_t(wide) > std::uint64_t(std::numeric_limits<T>::max())))
            fail("out of range: " + dump(*value_));
        return static_cast<T>(wide);
    }

    const Json* value_;
    const Style* style_;
    std::string parent_;  ///< the keys that lead to the last one ("payload.ledger")
    std::string leaf_;    ///< the last key, with any item indexes ("batches[0][1]")
};

}  // namespace stepwise::json
