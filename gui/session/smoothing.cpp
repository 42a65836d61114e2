#include "smoothing.h"

#include <algorithm>
#include <cmath>

namespace stepwise::gui {

void Smoothing::setWeight(double weight) {
    m_weight = std::clamp(weight, 0.0, kMaxWeight);
    clear();
}

void Smoothing::clear() {
    m_taken = 0;
    m_checkpoints.clear();
    m_ema = {};
}

void Smoothing::takeIn(const std::vector<float>& values, std::size_t end) {
    end = std::min(end, values.size());
    for (std::size_t i = m_taken; i < end; ++i) {
        if (i % kCheckpoint == 0) m_checkpoints.push_back(m_ema);
        if (std::isfinite(values[i]) && on()) next(m_ema, values[i]);
    }
    m_taken = std::max(m_taken, end);
}

double Smoothing::next(Ema& ema, double value) const {
    // TensorBoard's debiased EMA: last = w*last + (1-w)*v; shown = last / (1 - w^n).
    ema.last = ema.last * m_weight + (1.0 - m_weight) * value;
    ++ema.count;
    const double debias = 1.0 - std::pow(m_weight, ema.count);
    return debias > 0 ? ema.last / debias : value;
}

Smoothing::Ema Smoothing::before(std::size_t serial, const std::vector<float>& values) const {
    // On from the checkpoint before it: at most kCheckpoint values.
    const std::size_t block = serial / kCheckpoint;
    Ema ema = block < m_checkpoints.size() ? m_checkpoints[block] : Ema{};
    for (std::size_t i = block * kCheckpoint; i < serial && i < values.size(); ++i)
        if (std::isfinite(values[i])) next(ema, values[i]);
    return ema;
}

std::optional<double> Smoothing::at(std::size_t serial, const std::vector<float>& values) const {
    if (!on() || serial >= m_taken || serial >= values.size() || !std::isfinite(values[serial]))
        return std::nullopt;
    Ema ema = before(serial, values);
    return next(ema, values[serial]);
}

}  // namespace stepwise::gui
