#pragma once
// Where each number of the loss plot comes from, for one batch: what training_step returned, the
// loss ÷ N that backward saw, the smoothed value the plot draws; and, for the step ribbon, why
// global_step moved at a batch or did not. Words only: the plot supplies the figures.

#include <QCoreApplication>
#include <QString>
#include <cstdint>
#include <optional>

#include "stepwise/events.h"

namespace stepwise::gui {

class LossOrigin {
    Q_DECLARE_TR_FUNCTIONS(LossOrigin)
  public:
    /// One line (rich text) for a batch record (RunHistory::batchRecord). `serial`: its place in
    /// the run; `smoothed`: the EMA the plot draws there (nullopt: smoothing off, or a None batch);
    /// `hovered`: the batch under the mouse rather than the newest.
    static QString line(const Event& record, std::int64_t serial, std::optional<double> smoothed,
                        double weight, bool hovered);
    /// The step ribbon's tooltip: the batch's place in its cycle and what that did to global_step.
    /// `stepBefore`: global_step before the batch.
    static QString ribbonTip(const Event& record, std::int64_t serial, std::int64_t stepBefore);
    /// The line's tooltip: how the three numbers are made.
    static QString tip();
    /// A loss as the line prints it: 6 significant digits.
    static QString number(double value);
};

}  // namespace stepwise::gui
