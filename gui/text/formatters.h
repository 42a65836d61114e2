#pragma once
// The window's number and duration formats, shared by the views (context "PipelineText" of
// translations/stepwise_zh_CN.ts).

#include <QString>
#include <cstdint>

namespace stepwise::gui {

/// Formats a duration in ns as "12 µs", "3.4 ms", "1.2 s".
QString formatDuration(std::int64_t ns);
/// Formats a number compactly: 4 significant digits, scientific when tiny or huge.
QString formatNumber(double value);

}  // namespace stepwise::gui
