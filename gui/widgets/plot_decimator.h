#pragma once
// Decimator: how the loss plot draws more batches than it has pixels.

#include <qcustomplot.h>

#include <cmath>
#include <cstddef>
#include <limits>

namespace stepwise::gui {

/// Fills a graph from a series in x order: every point while each batch has a pixel column,
/// else the minimum and the maximum of each run of `bucket` batches, in the order they came, so
/// the line's envelope and extremes are those of the full series. A bucket with no finite value
/// gives one NaN (a gap in the line), as one batch would.
class Decimator {
  public:
    Decimator(QVector<QCPGraphData>& out, std::size_t bucket) : m_out(out), m_bucket(bucket) {}
    void add(double x, double y) {
        if (m_bucket <= 1) {
            m_out.append({x, y});
            return;
        }
        if (m_count == 0) m_firstX = x;
        if (std::isfinite(y)) {
            if (!m_any || y < m_min.point.value) m_min = {{x, y}, m_count};
            if (!m_any || y > m_max.point.value) m_max = {{x, y}, m_count};
            m_any = true;
        }
        if (++m_count == m_bucket) finish();
    }
    void finish() {
        if (m_count == 0) return;
        if (!m_any) {
            m_out.append({m_firstX, std::numeric_limits<double>::quiet_NaN()});
        } else if (m_min.index == m_max.index) {
            m_out.append(m_min.point);
        } else {
            const Extreme& a = m_min.index < m_max.index ? m_min : m_max;
            const Extreme& b = m_min.index < m_max.index ? m_max : m_min;
            m_out.append(a.point);
            m_out.append(b.point);
        }
        m_count = 0;
        m_any = false;
    }

  private:
    struct Extreme {
        QCPGraphData point;
        std::size_t index = 0;  ///< within the bucket: the two go out in the order they came
    };
    QVector<QCPGraphData>& m_out;
    std::size_t m_bucket;
    std::size_t m_count = 0;
    bool m_any = false;
    double m_firstX = 0.0;
    Extreme m_min, m_max;
};

}  // namespace stepwise::gui
