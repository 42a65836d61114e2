#include "engine_text.h"

#include <QCoreApplication>
#include <QRegularExpression>

namespace stepwise::gui {

namespace {
// The translation context of these texts (lupdate files EngineText::tr under "EngineText").
struct EngineText {
    Q_DECLARE_TR_FUNCTIONS(EngineText)
};

/// Matches `text` against `pattern` (anchored); the captures, or an empty list.
QStringList captures(const QRegularExpression& pattern, const QString& text) {
    const QRegularExpressionMatch m = pattern.match(text);
    if (!m.hasMatch()) return {};
    QStringList out = m.capturedTexts();
    out.removeFirst();
    out.prepend(QString());  // keep the list non-empty when there are no groups
    return out;
}
}  // namespace

QString translateReason(const QString& english) {
    // The templates of core/src/automatic_optimization.cpp and core/src/closure.cpp.
    static const QRegularExpression zeroGrad(QStringLiteral(
        "^zero_grad skipped: batch (\\d+) is not the first of its accumulation window \\(batch "
        "(\\d+) of (\\d+) in its accumulation window\\)$"));
    static const QRegularExpression accumulating(QStringLiteral(
        "^optimizer\\.step skipped: accumulating, batch (\\d+) of (\\d+) in its accumulation "
        "window; the loop calls the closure directly$"));
    QStringList c;
    if (!(c = captures(zeroGrad, english)).isEmpty())
        return EngineText::tr(
                   "zero_grad skipped: batch %1 is not the first of its accumulation window (batch "
                   "%2 of %3 in its accumulation window)")
            .arg(c[1], c[2], c[3]);
    if (!(c = captures(accumulating, english)).isEmpty())
        return EngineText::tr(
                   "optimizer.step skipped: accumulating, batch %1 of %2 in its accumulation "
                   "window; the loop calls the closure directly")
            .arg(c[1], c[2]);
    static const char* const kFixed[] = {
        QT_TRANSLATE_NOOP("EngineText",
                          "on_before_optimizer_step skipped: no optimizer step on an accumulating "
                          "batch"),
        QT_TRANSLATE_NOOP("EngineText",
                          "gradient clipping skipped: no optimizer step on an accumulating batch"),
        QT_TRANSLATE_NOOP("EngineText",
                          "backward skipped: backward is being skipped for this batch"),
        QT_TRANSLATE_NOOP("EngineText", "backward skipped: training_step returned None"),
    };
    for (const char* text : kFixed)
        if (english == QLatin1String(text)) return EngineText::tr(text);
    return english;
}

QString translateNotice(const QString& english) {
    static const QRegularExpression nonFinite(QStringLiteral(
        "^training_step returned a non-finite loss \\((nan|inf)\\) at epoch (\\d+), batch (\\d+); "
        "Lightning does not check it and backpropagates it as is$"));
    static const QRegularExpression graphExtra(QStringLiteral(
        "^the extra '(.*)' returned by training_step still holds an autograd graph \\((.*)\\); "
        "Lightning passes extras on undetached, so the graph stays alive until "
        "on_train_batch_end has run\\. Return it \\.detach\\(\\)ed unless you need it\\.$"));
    QStringList c;
    if (!(c = captures(nonFinite, english)).isEmpty())
        return EngineText::tr(
                   "training_step returned a non-finite loss (%1) at epoch %2, batch %3; Lightning "
                   "does not check it and backpropagates it as is")
            .arg(c[1], c[2], c[3]);
    if (!(c = captures(graphExtra, english)).isEmpty())
        return EngineText::tr(
                   "the extra '%1' returned by training_step still holds an autograd graph (%2); "
                   "Lightning passes extras on undetached, so the graph stays alive until "
                   "on_train_batch_end has run. Return it .detach()ed unless you need it.")
            .arg(c[1], c[2]);
    return english;
}

QString classifyOutput(const OutputDescription& output) {
    // The rules of describe_output in core/src/automatic_optimization.cpp.
    if (output.kind == "dict") {
        bool hasLoss = false;
        bool lossNone = false;
        for (const auto& [key, value] : output.entries) {
            if (key != "loss") continue;
            hasLoss = true;
            lossNone = value.kind == "none";
        }
        if (!hasLoss || lossNone)
            return EngineText::tr("dict without a 'loss': MisconfigurationException");
        const int extras = int(output.entries.size()) - 1;
        if (extras == 1)
            return EngineText::tr("dict with 'loss' and 1 extra: loss / N is backpropagated");
        return EngineText::tr("dict with 'loss' and %1 extras: loss / N is backpropagated")
            .arg(extras);
    }
    if (output.kind == "tensor") return EngineText::tr("loss tensor: loss / N is backpropagated");
    if (output.kind == "none")
        return EngineText::tr("None: backward is skipped, the optimizer step still runs");
    return EngineText::tr("%1: MisconfigurationException (must be a Tensor, a dict, or None)")
        .arg(QString::fromStdString(output.kind));
}

}  // namespace stepwise::gui
