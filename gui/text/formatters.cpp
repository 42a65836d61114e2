#include "text/formatters.h"

#include <QCoreApplication>
#include <cmath>

// The translation context of the pipeline's value texts.
struct PipelineText {
    Q_DECLARE_TR_FUNCTIONS(PipelineText)
};

namespace stepwise::gui {

QString formatDuration(std::int64_t ns) {
    if (ns < 0) return {};
    if (ns < 1000) return PipelineText::tr("%1 ns").arg(ns);
    if (ns < 1000000)
        return PipelineText::tr("%1 µs").arg(double(ns) / 1e3, 0, 'f', ns < 10000 ? 1 : 0);
    if (ns < 1000000000)
        return PipelineText::tr("%1 ms").arg(double(ns) / 1e6, 0, 'f', ns < 10000000 ? 2 : 1);
    return PipelineText::tr("%1 s").arg(double(ns) / 1e9, 0, 'f', 2);
}

QString formatNumber(double value) {
    if (std::isnan(value)) return QStringLiteral("NaN");
    if (std::isinf(value)) return value > 0 ? QStringLiteral("+Inf") : QStringLiteral("-Inf");
    const double magnitude = std::fabs(value);
    if (value != 0.0 && (magnitude < 1e-3 || magnitude >= 1e5))
        return QString::number(value, 'e', 3);
    return QString::number(value, 'g', 5);
}

}  // namespace stepwise::gui
