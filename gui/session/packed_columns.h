#pragma once
// Column shapes that keep a million batches in a few bytes each (RunHistory's storage):
//  - RunColumn: a value that changes rarely (an epoch's position, accumulate_grad_batches), kept
//    as the serials where it changes;
//  - SteadyFloatColumn: a figure that often holds still (the learning rate without a scheduler),
//    kept as runs while that is smaller, one float each once it changes more often;
//  - ByteColumn: a small count (closure calls, cycle position, events between two batch_ends),
//    one byte each, with the rare larger value kept aside.
// Plain C++, GUI thread only, like RunHistory.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <map>
#include <utility>
#include <vector>

namespace stepwise::gui {

/// Serials as RunColumn keeps them: four billion batches are more than a run will have.
using Serial = std::uint32_t;

template <class T>
class RunColumn {
  public:
    /// The value of entry `serial`; serials must be pushed in increasing order.
    void push(std::size_t serial, const T& value) {
        if (m_runs.empty() || !(m_runs.back().second == value))
            m_runs.emplace_back(Serial(serial), value);
    }
    /// The value of the run that holds `serial` (the newest pushed at or before it).
    const T& at(std::size_t serial) const { return runAt(serial).second; }
    /// (first serial, value) of the run that holds `serial`.
    const std::pair<Serial, T>& runAt(std::size_t serial) const {
        auto it = std::upper_bound(
            m_runs.begin(), m_runs.end(), serial,
            [](std::size_t s, const std::pair<Serial, T>& run) { return s < run.first; });
        return *std::prev(it);
    }
    const std::pair<Serial, T>& last() const { return m_runs.back(); }
    bool empty() const { return m_runs.empty(); }
    /// Forgets every entry from `serial` on.
    void truncate(std::size_t serial) {
        while (!m_runs.empty() && m_runs.back().first >= serial) m_runs.pop_back();
    }
    std::size_t runs() const { return m_runs.size(); }
    std::size_t bytes() const { return m_runs.size() * sizeof(std::pair<Serial, T>); }

  private:
    std::vector<std::pair<Serial, T>> m_runs;  ///< (first serial, value), serials increasing
};

class SteadyFloatColumn {
  public:
    void push(float value) {
        if (m_dense) {
            m_values.push_back(value);
            return;
        }
        // NaN (none) holds still like any other value: compared by bits.
        if (m_runs.empty() || std::memcmp(&m_runs.back().second, &value, sizeof value) != 0)
            m_runs.emplace_back(Serial(m_size), value);
        ++m_size;
        if (m_runs.size() > 64 && m_runs.size() * 2 > m_size) {  // runs would cost more
            m_values.reserve(m_size);
            for (std::size_t i = 0; i < m_size; ++i) m_values.push_back(at(i));
            m_runs.clear();
            m_runs.shrink_to_fit();
            m_dense = true;
        }
    }
    float at(std::size_t i) const {
        if (m_dense) return m_values[i];
        auto it = std::upper_bound(
            m_runs.begin(), m_runs.end(), i,
            [](std::size_t s, const std::pair<Serial, float>& run) { return s < run.first; });
        return std::prev(it)->second;
    }
    std::size_t size() const { return m_dense ? m_values.size() : m_size; }
    void truncate(std::size_t n) {
        if (n >= size()) return;
        if (m_dense) {
            m_values.resize(n);
            return;
        }
        while (!m_runs.empty() && m_runs.back().first >= n) m_runs.pop_back();
        m_size = n;
    }
    std::size_t bytes() const {
        return m_dense ? m_values.size() * sizeof(float) : m_runs.size() * sizeof(m_runs[0]);
    }

  private:
    bool m_dense = false;
    std::size_t m_size = 0;  ///< entries while kept as runs
    std::vector<std::pair<Serial, float>> m_runs;
    std::vector<float> m_values;
};

class ByteColumn {
  public:
    void push(std::int64_t value) {
        if (value >= 0 && value < kAside) {
            m_bytes.push_back(std::uint8_t(value));
        } else {
            m_aside.emplace(m_bytes.size(), value);
            m_bytes.push_back(kAside);
        }
    }
    std::int64_t at(std::size_t i) const {
        return m_bytes[i] == kAside ? m_aside.at(i) : m_bytes[i];
    }
    std::size_t size() const { return m_bytes.size(); }
    void truncate(std::size_t n) {
        if (n >= m_bytes.size()) return;
        m_bytes.resize(n);
        m_aside.erase(m_aside.lower_bound(n), m_aside.end());
    }
    std::size_t bytes() const { return m_bytes.size() + m_aside.size() * 48; }  // 48: a map node

  private:
    static constexpr std::uint8_t kAside = 255;
    std::vector<std::uint8_t> m_bytes;
    std::map<std::size_t, std::int64_t> m_aside;
};

}  // namespace stepwise::gui
