// The one number formatter (shortest round-trip digits, three layouts) and the one JSON reader
// (typed fields whose errors name their key path), on their own.

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>

#include "json_reader.h"
#include "stepwise/numbers.h"

namespace stepwise {
namespace {

TEST(Numbers, PythonReprIsTheShortestRoundTripInPythonsLayout) {
    EXPECT_EQ(python_float_repr(0.1), "0.1");
    EXPECT_EQ(python_float_repr(3.0), "3.0");
    EXPECT_EQ(python_float_repr(-0.0), "-0.0");
    EXPECT_EQ(python_float_repr(1e-5), "1e-05");
    EXPECT_EQ(python_float_repr(0.0001), "0.0001");
    EXPECT_EQ(python_float_repr(1.5e16), "1.5e+16");
    EXPECT_EQ(python_float_repr(1e15), "1000000000000000.0");
    EXPECT_EQ(python_float_repr(0.30000000000000004), "0.30000000000000004");
    EXPECT_EQ(python_float_repr(1.0 / 3.0), "0.3333333333333333");
    EXPECT_EQ(python_float_repr(std::nan("")), "nan");
    EXPECT_EQ(python_float_repr(-1.0 / 0.0), "-inf");
}

/// What conditions wrote before the shared formatter: %.6g, %.10g or %.17g, the first that reads
/// back the same.
std::string printf_general(double value) {
    char text[40];
    for (int digits : {6, 10, 17}) {
        std::snprintf(text, sizeof text, "%.*g", digits, value);
        if (std::strtod(text, nullptr) == value) break;
    }
    return text;
}

TEST(Numbers, GeneralIsPrintfsLayoutWithTheShortestDigits) {
    EXPECT_EQ(general_number(3.0), "3");
    EXPECT_EQ(general_number(0.25), "0.25");
    EXPECT_EQ(general_number(1e-5), "1e-05");
    EXPECT_EQ(general_number(1e8), "1e+08");
    EXPECT_EQ(general_number(1234567.0), "1234567");
    EXPECT_EQ(general_number(-2.5e-7), "-2.5e-07");
    // Wherever %g's digits were already the shortest (up to 10 of them), nothing changes.
    std::mt19937_64 random(7);
    for (int i = 0; i < 20000; ++i) {
        const int digits = 1 + int(random() % 10);
        const double mantissa = double(random() % 10000000000ULL) / 1e10;
        char text[64];
        std::snprintf(text, sizeof text, "%.*e", digits - 1,
                      mantissa * std::pow(10.0, int(random() % 40) - 20));
        const double v = std::strtod(text, nullptr);
        ASSERT_EQ(general_number(v), printf_general(v)) << text;
    }
    // Where %.17g padded the digits out, the shortest ones read back the same.
    const double v = 0.123456789012;
    EXPECT_EQ(std::strtod(general_number(v).c_str(), nullptr), v);
    EXPECT_EQ(general_number(v), "0.123456789012");
}

TEST(Numbers, ShortestIsToCharsWithPythonsWordsForNonFinite) {
    EXPECT_EQ(shortest_number(100000000.0), "1e+08");
    EXPECT_EQ(shortest_number(0.1), "0.1");
    EXPECT_EQ(shortest_number(std::nan("")), "nan");
    EXPECT_EQ(shortest_number(1.0 / 0.0), "inf");
}

[[noreturn]] void raise(const std::string& message) {
    throw std::runtime_error(message);
}

std::string failure(const json::Style& style, const std::string& text,
                    void (*read)(const json::Field&)) {
    const json::Json j = json::Json::parse(text);
    try {
        read(json::Field(j, style));
    } catch (const std::runtime_error& e) {
        return e.what();
    }
    return "accepted";
}

TEST(JsonReader, ErrorsNameTheKeyPathInEachDocumentsStyle) {
    const json::Style config{"cfg.json: ", false, true, false, &raise};
    const json::Style line{"", true, false, true, &raise};
    auto betas = [](const json::Field& j) {
        (void)j.need("optimizer", &json::Json::is_object, "an object")
            .find("betas")
            ->item(1)
            .number();
    };
    const char* text = R"({"optimizer": {"betas": [0.9, "x"]}})";
    EXPECT_EQ(failure(config, text, betas),
              "cfg.json: optimizer.betas[1]: expected a number, got \"x\"");
    EXPECT_EQ(failure(line, text, betas), "optimizer: \"betas[1]\": expected a number, got \"x\"");
    auto top = [](const json::Field& j) { j.expect(&json::Json::is_array, "an array"); };
    EXPECT_EQ(failure(config, "{}", top), "cfg.json: (top level): expected an array");
    EXPECT_EQ(failure(line, "{}", top), "expected an array");
    auto keys = [](const json::Field& j) { j.find("trainer")->only_keys({"max_epochs"}); };
    EXPECT_EQ(failure(config, R"({"trainer": {"max_epoch": 3}})", keys),
              "cfg.json: trainer.max_epoch: unknown key (allowed here: max_epochs)");
}

TEST(JsonReader, IntegersAreRangeCheckedAndHandWrittenConfigsMayWriteThemAsFloats) {
    const json::Style config{"c: ", false, true, false, &raise};
    const json::Style line{"", true, false, true, &raise};
    auto small = [](const json::Field& j) { (void)j.integer_at<std::int8_t>("n", 0); };
    EXPECT_EQ(failure(line, R"({"n": 300})", small), "\"n\": out of range: 300");
    EXPECT_EQ(failure(line, R"({"n": 8.0})", small), "\"n\": expected an integer, got 8.0");
    EXPECT_EQ(failure(config, R"({"n": 8.0})", small), "accepted");
    auto unsigned_one = [](const json::Field& j) { (void)j.integer_at<std::uint64_t>("n", 0); };
    EXPECT_EQ(failure(line, R"({"n": -1})", unsigned_one),
              "\"n\": expected a non-negative integer, got -1");
    auto nan = [](const json::Field& j) {
        if (!std::isnan(*j.number_at("x"))) throw std::runtime_error("not nan");
    };
    EXPECT_EQ(failure(line, R"({"x": "nan"})", nan), "accepted");
    EXPECT_EQ(failure(config, R"({"x": "nan"})", nan), "c: x: expected a number, got \"nan\"");
}

}  // namespace
}  // namespace stepwise
