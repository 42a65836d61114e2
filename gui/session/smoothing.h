#pragma once
// Smoothing: TensorBoard's debiased exponential moving average over a run's per-batch losses, as
// the loss plot draws it. It keeps the EMA's state every kCheckpoint batches, so that the smoothed
// value at any batch costs at most kCheckpoint steps, whatever the run's length.
//
// Threading contract: GUI thread only (plain C++, no Qt: unit-testable alone).

#include <cstddef>
#include <optional>
#include <vector>

namespace stepwise::gui {

class Smoothing {
  public:
    static constexpr std::size_t kCheckpoint = 1024;
    static constexpr double kMaxWeight = 0.999;
    /// The EMA after some values: last = w·last + (1 − w)·v over `count` values.
    struct Ema {
        double last = 0.0;
        int count = 0;
    };

    explicit Smoothing(double weight = 0.6) { setWeight(weight); }

    /// 0 = off, up to kMaxWeight (clamped). Forgets the values taken in (take them in again).
    void setWeight(double weight);
    double weight() const { return m_weight; }
    bool on() const { return m_weight > 0; }

    /// Forgets every value taken in.
    void clear();
    /// Takes in values [taken(), end): the batches new since the last call. A value that is not
    /// finite (a batch that returned None, a NaN loss) is passed over.
    void takeIn(const std::vector<float>& values, std::size_t end);
    std::size_t taken() const { return m_taken; }

    /// One step: the smoothed value once `value` is taken into `ema` (debiased: divided by
    /// 1 − w^count, as TensorBoard does, so the first values are not pulled towards 0).
    double next(Ema& ema, double value) const;
    /// The EMA's state before batch `serial` of `values` (the same values as taken in).
    Ema before(std::size_t serial, const std::vector<float>& values) const;
    /// The smoothed value at batch `serial` (nullopt: off, not taken in, or no finite value).
    std::optional<double> at(std::size_t serial, const std::vector<float>& values) const;

  private:
    double m_weight = 0.6;
    std::size_t m_taken = 0;
    std::vector<Ema> m_checkpoints;  ///< before batches 0, kCheckpoint, 2 kCheckpoint, ...
    Ema m_ema;                       ///< after the values taken in
};

}  // namespace stepwise::gui
