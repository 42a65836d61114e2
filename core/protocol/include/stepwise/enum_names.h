#pragma once
// One list per enum, as LLVM keeps its .def files: an X-macro names every enumerator once, and the
// enum, its count and its name table (the words the trace and the wire use) are all made from it,
// so they cannot drift apart.
//
//   #define STEPWISE_OUTCOMES(X) X(ran) X(skipped) X(failed)
//   enum class Outcome : std::uint8_t { STEPWISE_OUTCOMES(STEPWISE_ENUMERATOR) };
//   inline constexpr int kOutcomeCount = STEPWISE_OUTCOMES(STEPWISE_COUNT) 0;
//   // in the .cpp:
//   constexpr EnumNames<Outcome, kOutcomeCount> kOutcomes{{STEPWISE_OUTCOMES(STEPWISE_NAME)}};

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

#define STEPWISE_ENUMERATOR(name, ...) name,
#define STEPWISE_COUNT(name, ...) 1 +
#define STEPWISE_NAME(name, ...) #name,

namespace stepwise {

/// The names of an enum whose enumerators are 0, 1, ..., N - 1, in the order of its list.
template <class Enum, std::size_t N>
class EnumNames {
  public:
    constexpr explicit EnumNames(std::array<const char*, N> names) : names_(names) {}

    const char* name(Enum value) const {
        const auto i = static_cast<std::size_t>(value);
        return i < N ? names_[i] : "?";
    }
    std::optional<Enum> find(std::string_view name) const {
        for (std::size_t i = 0; i < N; ++i)
            if (name == names_[i]) return static_cast<Enum>(i);
        return std::nullopt;
    }
    /// Every name set and no two alike (for a static_assert beside the table).
    constexpr bool distinct() const {
        for (std::size_t i = 0; i < N; ++i) {
            if (names_[i] == nullptr || std::string_view(names_[i]).empty()) return false;
            for (std::size_t k = 0; k < i; ++k)
                if (std::string_view(names_[i]) == std::string_view(names_[k])) return false;
        }
        return true;
    }

  private:
    std::array<const char*, N> names_;
};

}  // namespace stepwise
