#include "run_history.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace stepwise::gui {

namespace {
constexpr double kNone = std::numeric_limits<double>::quiet_NaN();
enum Flag : std::uint8_t {
    kStepped = 1,
    kHasLoss = 2,
    kHasLossRaw = 4,
    kHasUpdate = 8,
    kReturnedNone = 16,
};
}  // namespace

void RunHistory::clear() {
    const std::uint64_t generation = m_generation + 1;
    *this = RunHistory();
    m_generation = generation;
}

std::size_t RunHistory::columnBytes() const {
    return batchCount() * kBytesPerBatch + m_extras.size() * batchCount() * sizeof(double);
}

void RunHistory::append(const Event& e) {
    switch (e.type) {
        case EventType::run_start:
            clear();
            m_runStart = e;
            return;
        case EventType::run_end:
            m_runEnd = e;
            return;
        case EventType::warning:
        case EventType::error:
            m_log.push_back(e);
            if (m_log.size() > kMaxLogEvents) {
                m_log.pop_front();
                ++m_droppedLog;
            }
            return;
        case EventType::batch_end:
            break;
        default:
            m_recent.push_back(e);
            return;
    }
    // batch_end: the record in columns, and the batch's whole story among the recent ones.
    m_epoch.push_back(std::int32_t(e.epoch));
    m_batchIdx.push_back(std::int32_t(e.batch_idx));
    m_globalStep.push_back(e.global_step);
    m_seq.push_back(e.seq);
    m_loss.push_back(e.loss.value_or(kNone));
    m_lossRaw.push_back(e.loss_raw.value_or(kNone));
    m_updateNorm.push_back(e.update_norm.value_or(kNone));
    m_lr.push_back(e.lr.value_or(kNone));
    // The explanation's arguments are the update norm (formatted as the engine formats it) and,
    // for two codes, what the optimizer holds: a handful of distinct texts per run.
    std::uint16_t held = 0;
    const Text& why = e.explanation;
    if ((why.code == TextCode::explain_none_zero_moved || why.code == TextCode::explain_none_zero_still) &&
        !why.args.empty()) {
        const std::string& text = why.args.back();
        auto it = std::find(m_heldTexts.begin(), m_heldTexts.end(), text);
        if (it == m_heldTexts.end() && m_heldTexts.size() < 65535) it = m_heldTexts.insert(m_heldTexts.end(), text);
        held = std::uint16_t(it == m_heldTexts.end() ? 0 : it - m_heldTexts.begin());
    }
    m_explanationCode.push_back(std::uint8_t(why.code));
    m_explanationHeld.push_back(held);
    m_closureCalls.push_back(std::uint16_t(std::clamp(e.closure_calls, 0, 65535)));
    m_windowPosition.push_back(std::uint16_t(std::clamp(e.window_position, 0, 65535)));
    m_accumulate.push_back(std::uint16_t(std::clamp(e.accumulate_grad_batches, 0, 65535)));
    std::uint8_t flags = 0;
    if (e.stepped) flags |= kStepped;
    if (e.loss) flags |= kHasLoss;
    if (e.loss_raw) flags |= kHasLossRaw;
    if (e.update_norm) flags |= kHasUpdate;
    if (e.output && e.output->kind == "none") flags |= kReturnedNone;
    m_flags.push_back(flags);
    const std::size_t n = batchCount();
    for (const auto& [key, value] : e.extras) {
        if (!value.value) continue;
        auto& column = m_extras[key];
        column.resize(n, kNone);
        column[n - 1] = *value.value;
    }
    m_recent.push_back(e);
    m_recentEnds.push_back(e.seq);
    if (m_recentEnds.size() > kRecentBatches) {
        // The oldest kept batch goes to the columns only: drop its events, up to its batch_end.
        const std::uint64_t end = m_recentEnds.front();
        m_recentEnds.pop_front();
        while (!m_recent.empty() && m_recent.front().seq <= end) m_recent.pop_front();
    }
}

Event RunHistory::batchRecord(std::size_t i) const {
    Event e;
    e.type = EventType::batch_end;
    e.run_id = m_runStart ? m_runStart->run_id : 0;
    e.seq = m_seq[i];
    e.epoch = m_epoch[i];
    e.batch_idx = m_batchIdx[i];
    e.global_step = m_globalStep[i];
    const std::uint8_t flags = m_flags[i];
    e.stepped = flags & kStepped;
    if (flags & kHasLoss) e.loss = m_loss[i];
    if (flags & kHasLossRaw) e.loss_raw = m_lossRaw[i];
    if (flags & kHasUpdate) e.update_norm = m_updateNorm[i];
    if (!std::isnan(m_lr[i])) e.lr = m_lr[i];
    e.explanation.code = TextCode(m_explanationCode[i]);
    const std::string norm = format_norm_arg(m_updateNorm[i]);
    const std::string held = m_heldTexts.empty() ? std::string() : m_heldTexts[m_explanationHeld[i]];
    switch (e.explanation.code) {
        case TextCode::explain_none_grads_none:
        case TextCode::explain_none_grads_kept: e.explanation.args = {norm}; break;
        case TextCode::explain_none_zero_moved: e.explanation.args = {norm, held}; break;
        case TextCode::explain_none_zero_still: e.explanation.args = {held}; break;
        default: break;
    }
    e.closure_calls = m_closureCalls[i];
    e.window_position = m_windowPosition[i];
    e.accumulate_grad_batches = m_accumulate[i];
    auto output = std::make_shared<OutputDescription>();
    output->kind = flags & kReturnedNone ? "none" : (flags & kHasLoss ? "tensor" : "");
    output->value.kind = output->kind;
    e.output = std::move(output);
    for (const auto& [key, column] : m_extras)
        if (i < column.size() && !std::isnan(column[i])) {
            ValueDescription v;
            v.kind = "float";
            v.value = column[i];
            e.extras.emplace_back(key, std::move(v));
        }
    return e;
}

std::vector<Event> RunHistory::events() const {
    std::vector<Event> out;
    if (m_runStart) out.push_back(*m_runStart);
    // Batches older than the recent ones come back from the columns; the recent ones whole.
    const std::uint64_t firstRecent = m_recent.empty() ? std::numeric_limits<std::uint64_t>::max()
                                                       : m_recent.front().seq;
    for (std::size_t i = 0; i < batchCount() && m_seq[i] < firstRecent; ++i) out.push_back(batchRecord(i));
    out.insert(out.end(), m_recent.begin(), m_recent.end());
    out.insert(out.end(), m_log.begin(), m_log.end());
    if (m_runEnd) out.push_back(*m_runEnd);
    std::stable_sort(out.begin() + (m_runStart ? 1 : 0), out.end(),
                     [](const Event& a, const Event& b) { return a.seq < b.seq; });
    return out;
}

bool RunHistory::cutBack(std::size_t serial, std::optional<Stage> stage) {
    if (serial > batchCount()) return false;
    // The cut falls after the batch_end of batch serial - 1 (or at the run's start) ...
    std::uint64_t cut = serial == 0 ? (m_runStart ? m_runStart->seq : 0) : m_seq[serial - 1];
    if (serial > 0 && !m_recent.empty() && m_recent.front().seq > cut &&
        serial < batchCount())  // that point's stage records are no longer kept
        return false;
    // ... and, within batch `serial`, before `stage` is entered.
    if (stage) {
        for (const Event& e : m_recent) {
            if (e.seq <= cut) continue;
            if (e.type == EventType::batch_end) break;
            if ((e.type == EventType::stage_enter || e.type == EventType::stage_exit) && e.stage == *stage) break;
            cut = e.seq;
        }
    }
    auto after = [cut](const Event& e) { return e.seq > cut; };
    m_recent.erase(std::remove_if(m_recent.begin(), m_recent.end(), after), m_recent.end());
    m_log.erase(std::remove_if(m_log.begin(), m_log.end(), after), m_log.end());
    while (!m_recentEnds.empty() && m_recentEnds.back() > cut) m_recentEnds.pop_back();
    for (auto* column : {&m_loss, &m_lossRaw, &m_updateNorm, &m_lr}) column->resize(serial);
    m_explanationCode.resize(serial);
    m_explanationHeld.resize(serial);
    m_epoch.resize(serial);
    m_batchIdx.resize(serial);
    m_globalStep.resize(serial);
    m_seq.resize(serial);
    m_closureCalls.resize(serial);
    m_windowPosition.resize(serial);
    m_accumulate.resize(serial);
    m_flags.resize(serial);
    for (auto& [key, column] : m_extras)
        if (column.size() > serial) column.resize(serial);
    m_runEnd.reset();
    ++m_generation;
    return true;
}

}  // namespace stepwise::gui
