#pragma once
// The JSON pieces the trace codec and the tensor reports share (protocol library internal):
// numbers that may be NaN or infinite, the trace's reading style, and the tensor reports' codec.

#include <cmath>

#include "json_reader.h"
#include "stepwise/tensors.h"
#include "stepwise/trace.h"

namespace stepwise::json_codec {

using json::Field;
using json::Json;

inline Json number(double v) {
    // JSON has no NaN or Infinity: write them as strings so they stay visible.
    if (std::isnan(v)) return "nan";
    if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
    return v;
}

/// How a trace line (or an event on the wire) reports what is wrong: TraceError, quoted paths,
/// "nan" and "inf" as numbers.
inline const json::Style& trace_style() {
    static const json::Style style{"", true, false, true,
                                   [](const std::string& message) { throw TraceError(message); }};
    return style;
}

// The Tensors dock's report and the accumulation ledger (tensors_json.cpp).
Json tensor_report_json(const TensorReport& report);
TensorReport read_tensor_report(const Field& j);
Json ledger_json(const AccumulationLedger& ledger);
AccumulationLedger read_ledger(const Field& j);

}  // namespace stepwise::json_codec
