#include "loss_origin.h"

#include <cmath>

namespace stepwise::gui {

QString LossOrigin::number(double value) {
    if (std::isnan(value)) return QStringLiteral("nan");
    if (std::isinf(value)) return value > 0 ? QStringLiteral("inf") : QStringLiteral("-inf");
    return QString::number(value, 'g', 6);
}

QString LossOrigin::line(const Event& record, std::int64_t serial, std::optional<double> smoothed,
                         double weight, bool hovered) {
    const QString where = (hovered ? tr("Batch %1 (pointed at; epoch %2, batch_idx %3):")
                                   : tr("Batch %1 (newest; epoch %2, batch_idx %3):"))
                              .arg(serial)
                              .arg(record.epoch)
                              .arg(record.batch_idx);
    const auto b = [](const QString& s) {
        return QStringLiteral("<b>%1</b>").arg(s.toHtmlEscaped());
    };
    if (!record.loss) {
        const bool none = record.output && record.output->kind == "none";
        return where + QLatin1Char(' ') +
               (none ? tr("training_step returned %1, nothing to backpropagate: a gap in the plot "
                          "(▼).")
                           .arg(b(QStringLiteral("None")))
                     : tr("no loss was recorded for this batch."));
    }
    const int n = std::max(1, record.accumulate_grad_batches);
    const double loss = *record.loss;
    const double raw = record.loss_raw ? *record.loss_raw : loss * n;
    QString text = where + QLatin1Char(' ');
    if (n > 1)
        text += tr("returned %1 → ÷ %2 (accumulate_grad_batches) → backward saw %3, plotted")
                    .arg(b(number(raw)))
                    .arg(n)
                    .arg(b(number(loss)));
    else
        text += tr("returned %1 → ÷ 1 → backward saw it as is, plotted").arg(b(number(loss)));
    if (smoothed)
        text += tr(" · smoothed %1 (EMA %2, debiased)")
                    .arg(b(number(*smoothed)))
                    .arg(weight, 0, 'f', 3);
    return text;
}

QString LossOrigin::tip() {
    return tr(
        "Where the plotted numbers come from. training_step returns a loss; in automatic "
        "optimization Lightning divides it by accumulate_grad_batches (N) before backward, "
        "and reports that normalised value — the thin line. The thick line smooths it with an "
        "exponential moving average (the Smoothing weight), debiased as TensorBoard does, so "
        "its first points are not pulled towards zero. Point at a batch in the plot to see its "
        "own numbers; the ribbon under the plot says why global_step moved or not.");
}

QString LossOrigin::ribbonTip(const Event& record, std::int64_t serial, std::int64_t stepBefore) {
    const int n = std::max(1, record.accumulate_grad_batches);
    QString text =
        tr("Batch %1: epoch %2, batch_idx %3.").arg(serial).arg(record.epoch).arg(record.batch_idx);
    text += QLatin1Char('\n');
    if (n > 1)
        text += tr("Batch %1 of %2 in its accumulation cycle.").arg(record.cycle_position).arg(n) +
                QLatin1Char('\n');
    if (record.global_step > stepBefore) {
        text += n > 1
                    ? tr("The cycle's stepping batch: optimizer.step(closure) ran, so global_step "
                         "went from %1 to %2.")
                          .arg(stepBefore)
                          .arg(record.global_step)
                    : tr("Every batch steps: optimizer.step(closure) ran, so global_step went from "
                         "%1 to %2.")
                          .arg(stepBefore)
                          .arg(record.global_step);
    } else if (n > 1 && record.cycle_position < n) {
        text += tr("Lightning called the closure directly (training_step, backward) and did not "
                   "step: gradients accumulate, so global_step stays %1 until the cycle's last "
                   "batch.")
                    .arg(record.global_step);
    } else {
        text +=
            tr("No optimizer step counted here, so global_step stays %1.").arg(record.global_step);
    }
    return text;
}

}  // namespace stepwise::gui
