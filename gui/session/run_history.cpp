#include "run_history.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace stepwise::gui {

namespace {
constexpr float kNone = std::numeric_limits<float>::quiet_NaN();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
/// a norm not measured (a norm is never negative; NaN is a value)
constexpr float kNoNorm = -1.0f;
enum Flag : std::uint8_t {
    kStepped = 1,
    kHasLoss = 2,
    kHasLossRaw = 4,
    kHasUpdate = 8,
    kReturnedNone = 16,
    kExplanationShift = 5,  ///< the top three bits: which None explanation, 0 for none
};
constexpr TextCode kFirstExplanation = TextCode::explain_none_grads_none;
constexpr TextCode kLastExplanation = TextCode::explain_none_zero_still_nothing;
static_assert(int(kLastExplanation) - int(kFirstExplanation) + 1 < 8,
              "explanations fit in three bits");

float narrow(const std::optional<double>& value) {
    return value ? float(*value) : kNone;
}
bool quotesHeld(TextCode code) {
    return code == TextCode::explain_none_zero_moved || code == TextCode::explain_none_zero_still;
}
bool quotesNorm(TextCode code) {
    return code == TextCode::explain_none_grads_none || code == TextCode::explain_none_grads_kept ||
           code == TextCode::explain_none_zero_moved;
}
}  // namespace

void RunHistory::clear() {
    const std::uint64_t generation = m_generation + 1;
    *this = RunHistory();
    m_generation = generation;
}

int RunHistory::accumulateGradBatches() const {
    if (m_config) return int(std::max<std::int64_t>(1, m_config->trainer.accumulate_grad_batches));
    return batchCount() > 0 ? std::max(1, accumulate(batchCount() - 1)) : 1;
}

std::size_t RunHistory::columnBytes() const {
    std::size_t bytes =
        (m_loss.size() + m_updateNorm.size() + m_gradNorm.size() + m_lossRaw.size()) *
            sizeof(float) +
        m_lr.bytes() + m_flags.size() + m_closureCalls.bytes() + m_cyclePosition.bytes() +
        m_seqDelta.bytes() + m_seqAt.size() * sizeof(std::uint64_t) +
        m_steppedBefore.size() * sizeof(std::int64_t) + m_stepOffset.bytes() + m_position.bytes() +
        m_cycle.bytes() + m_exactNorm.size() * 48;
    for (const auto& [key, column] : m_extras) bytes += column.size() * sizeof(float);
    for (const MetricSeries& series : m_metrics) bytes += series.values.size() * sizeof(float);
    bytes += m_samples.size() * (sizeof(std::int64_t) + sizeof(double)) + m_paired.size() / 8;
    return bytes;
}

double RunHistory::peerDistance(std::size_t serial) const {
    return serial < m_peerDistance.size() ? m_peerDistance[serial] : kNaN;
}

std::optional<std::size_t> RunHistory::firstDivergence(double tolerance, std::size_t from) const {
    for (std::size_t i = from; i < m_paired.size(); ++i)
        if (m_paired[i] && !(m_peerDistance[i] <= tolerance)) return i;  // NaN differs too
    return std::nullopt;
}

std::size_t RunHistory::firstBatchPastSamples(std::int64_t samples) const {
    const auto it = std::upper_bound(m_samples.begin(), m_samples.end(), samples);
    return m_samples.empty() ? batchCount() : std::size_t(it - m_samples.begin());
}

void RunHistory::append(const Event& e) {
    switch (e.type) {
        case EventType::run_start:
            clear();
            m_runStart = e;
            try {
                m_config = parse_run_config(e.config_json, "", "the run's config");
            } catch (const std::exception&) {
                m_config.reset();  // one this version cannot read
            }
            return;
        case EventType::run_end: m_runEnd = e; return;
        case EventType::rewound: rewind(e); return;
        case EventType::tensors:
            return;  // a view of the present hold, not history: the Tensors dock shows it
        case EventType::warning:
        case EventType::error:
            m_log.push_back(e);
            if (m_log.size() > kMaxLogEvents) {
                m_log.pop_front();
                ++m_droppedLog;
            }
            return;
        case EventType::batch_end: break;
        case EventType::metrics:
            appendMetrics(e);
            m_recent.push_back(e);
            return;
        default: m_recent.push_back(e); return;
    }
    // batch_end: the record in columns, and the batch's whole story among the recent ones.
    const std::size_t n = batchCount();  // this batch's serial
    if (n % kCheckpoint == 0) {
        m_seqAt.push_back(e.seq);
        m_steppedBefore.push_back(m_stepped);
        m_seqDelta.push(0);
    } else {
        m_seqDelta.push(std::int64_t(e.seq - m_lastEndSeq));
    }
    // A new position run where batch_idx does not count on from the last batch's.
    if (m_position.empty() || m_position.last().second.epoch != e.epoch ||
        m_position.last().second.firstBatchIdx + std::int64_t(n - m_position.last().first) !=
            e.batch_idx)
        m_position.push(n, Position{std::int32_t(e.epoch), std::int32_t(e.batch_idx)});
    if (e.samples != 0 || !m_samples.empty()) {
        m_samples.resize(n, 0);
        m_peerDistance.resize(n, kNaN);
        m_paired.resize(n, false);
        m_samples.push_back(e.samples);
        m_peerDistance.push_back(e.peer_distance.value_or(kNaN));
        m_paired.push_back(bool(e.peer_distance));
    }
    m_loss.push_back(narrow(e.loss));
    m_updateNorm.push_back(narrow(e.update_norm));
    m_gradNorm.push_back(e.grad_norm ? float(*e.grad_norm) : kNoNorm);  // a NaN norm stays NaN
    m_lr.push(narrow(e.lr));
    const bool rawDiffers = e.loss_raw && e.loss && *e.loss_raw != *e.loss;
    if (rawDiffers && !m_rawKept) {  // from here on a column of its own, the loss's until now
        m_lossRaw.assign(m_loss.begin(), m_loss.end() - 1);
        m_rawKept = true;
    }
    if (m_rawKept) m_lossRaw.push_back(e.loss ? narrow(e.loss_raw) : kNone);
    // The explanation's arguments are the update norm (formatted as the engine formats it) and,
    // for two codes, what the optimizer holds: a handful of distinct texts per run.
    const Text& why = e.explanation;
    const bool explained = why.code >= kFirstExplanation && why.code <= kLastExplanation;
    Cycle cycle = m_cycle.empty() ? Cycle{} : m_cycle.at(n - 1);
    cycle.accumulate = e.accumulate_grad_batches;
    if (explained && quotesHeld(why.code) && !why.args.empty()) {
        const std::string& text = why.args.back();
        auto it = std::find(m_heldTexts.begin(), m_heldTexts.end(), text);
        if (it == m_heldTexts.end() && m_heldTexts.size() < 65535)
            it = m_heldTexts.insert(m_heldTexts.end(), text);
        cycle.held = std::uint16_t(it == m_heldTexts.end() ? 0 : it - m_heldTexts.begin());
    }
    m_cycle.push(n, cycle);
    if (explained && quotesNorm(why.code) && e.update_norm &&
        format_norm_arg(double(m_updateNorm.back())) != format_norm_arg(*e.update_norm))
        m_exactNorm.emplace(n, *e.update_norm);
    m_closureCalls.push(e.closure_calls);
    m_cyclePosition.push(e.cycle_position);
    std::uint8_t flags = 0;
    if (e.stepped) flags |= kStepped;
    if (e.loss) flags |= kHasLoss;
    if (e.loss_raw) flags |= kHasLossRaw;
    if (e.update_norm) flags |= kHasUpdate;
    if (e.output && e.output->kind == "none") flags |= kReturnedNone;
    if (explained)
        flags |= std::uint8_t((int(why.code) - int(kFirstExplanation) + 1) << kExplanationShift);
    m_flags.push_back(flags);
    m_stepped += e.stepped ? 1 : 0;
    m_stepOffset.push(n, e.global_step - m_stepped);
    m_lastEndSeq = e.seq;
    for (const auto& [key, value] : e.extras) {
        if (!value.value) continue;
        auto it = m_extras.find(key);
        if (it == m_extras.end()) {
            if (m_extras.size() >= kMaxScalarExtras) continue;
            it = m_extras.emplace(key, std::vector<float>()).first;
        }
        auto& column = it->second;
        column.resize(n + 1, kNone);
        column[n] = float(*value.value);
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

void RunHistory::appendMetrics(const Event& e) {
    if (!e.metrics) return;
    const MetricsRecord& record = *e.metrics;
    const std::size_t n = batchCount();
    // A step's record comes before its batch_end, an epoch's after its last one.
    const std::size_t serial = record.epoch_end ? (n ? n - 1 : 0) : n;
    const auto named = [&](const std::string& name) {
        for (const LoggedMetric& m : record.values)
            if (m.name == name) return true;
        return false;
    };
    const auto put = [&](const std::string& name, double value, bool epoch, bool logger,
                         bool progBar, bool callback) {
        auto it = std::find_if(m_metrics.begin(), m_metrics.end(),
                               [&](const MetricSeries& s) { return s.name == name; });
        if (it == m_metrics.end()) {
            if (m_metrics.size() >= kMaxMetrics) return;
            MetricSeries series;
            series.name = name;
            series.epoch = epoch;
            it = m_metrics.insert(m_metrics.end(), std::move(series));
        }
        it->logger = it->logger || logger;
        it->progBar = it->progBar || progBar;
        it->callback = it->callback || callback;
        if (it->values.size() <= serial) it->values.resize(serial + 1, kNone);
        it->values[serial] = float(value);
        it->last = value;
        it->lastSerial = serial;
    };
    for (const LoggedMetric& m : record.values) {
        // callback_metrics also holds `x` beside `x_step` / `x_epoch`: the same values again.
        if (!m.logger && !m.prog_bar && (named(m.name + "_step") || named(m.name + "_epoch")))
            continue;
        put(m.name, m.value, record.epoch_end, m.logger, m.prog_bar, m.callback);
    }
    // What only the loggers got: validation's, logged where a batch's end ran the validation.
    for (const LoggerCall& call : record.logger_calls)
        for (const auto& [name, value] : call.values)
            if (name != "epoch" && !named(name)) put(name, value, true, true, false, false);
}

void RunHistory::truncateMetrics(std::size_t n) {
    for (MetricSeries& series : m_metrics) {
        if (series.values.size() > n) series.values.resize(n);
        series.last = kNaN;
        for (std::size_t i = series.values.size(); i-- > 0;)
            if (!std::isnan(series.values[i])) {
                series.last = series.values[i];
                series.lastSerial = i;
                break;
            }
    }
}

std::uint64_t RunHistory::seqOf(std::size_t serial) const {
    std::uint64_t seq = m_seqAt[serial / kCheckpoint];
    for (std::size_t i = serial / kCheckpoint * kCheckpoint + 1; i <= serial; ++i)
        seq += std::uint64_t(m_seqDelta.at(i));
    return seq;
}

std::int64_t RunHistory::steppedThrough(std::size_t serial) const {
    std::int64_t stepped = m_steppedBefore[serial / kCheckpoint];
    for (std::size_t i = serial / kCheckpoint * kCheckpoint; i <= serial && i < m_flags.size(); ++i)
        stepped += m_flags[i] & kStepped;
    return stepped;
}

std::int64_t RunHistory::globalStep(std::size_t serial) const {
    return m_stepOffset.at(serial) + steppedThrough(serial);
}

void RunHistory::globalSteps(std::size_t first, std::size_t end,
                             std::vector<std::int64_t>& out) const {
    out.clear();
    end = std::min(end, batchCount());
    if (first >= end) return;
    out.reserve(end - first);
    std::int64_t stepped = steppedThrough(first);
    out.push_back(m_stepOffset.at(first) + stepped);
    for (std::size_t i = first + 1; i < end; ++i) {
        stepped += m_flags[i] & kStepped;
        out.push_back(m_stepOffset.at(i) + stepped);
    }
}

std::size_t RunHistory::firstBatchAtStep(double step) const {
    // global_step never falls from one batch to the next.
    std::size_t lo = 0, hi = batchCount();
    while (lo < hi) {
        const std::size_t mid = lo + (hi - lo) / 2;
        if (double(globalStep(mid)) < step)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

std::size_t RunHistory::batchesBefore(std::uint64_t seq) const {
    // batch_end seqs grow with the serial: the first checkpoint past seq, then one by one.
    const std::size_t block =
        std::size_t(std::lower_bound(m_seqAt.begin(), m_seqAt.end(), seq) - m_seqAt.begin());
    if (block == 0) return 0;
    std::size_t i = (block - 1) * kCheckpoint;
    std::uint64_t at = m_seqAt[block - 1];
    while (true) {  // at: seq of batch i's batch_end, which is before seq
        if (i + 1 >= batchCount() || (i + 1) % kCheckpoint == 0) return i + 1;
        const std::uint64_t next = at + std::uint64_t(m_seqDelta.at(i + 1));
        if (next >= seq) return i + 1;
        at = next;
        ++i;
    }
}

bool RunHistory::returnedNone(std::size_t serial) const {
    return m_flags[serial] & kReturnedNone;
}

bool RunHistory::hasLoss(std::size_t serial) const {
    return m_flags[serial] & kHasLoss;
}

std::int64_t RunHistory::batchIdx(std::size_t serial) const {
    const auto& [first, position] = m_position.runAt(serial);  // a run of consecutive batch_idx
    return position.firstBatchIdx + std::int64_t(serial - first);
}

Event RunHistory::batchRecord(std::size_t i) const {
    return record(i, seqOf(i), globalStep(i));
}

Event RunHistory::record(std::size_t i, std::uint64_t seq, std::int64_t globalStep) const {
    Event e;
    e.type = EventType::batch_end;
    e.run_id = m_runStart ? m_runStart->run_id : 0;
    e.seq = seq;
    e.epoch = m_position.at(i).epoch;
    e.batch_idx = batchIdx(i);
    e.global_step = globalStep;
    const std::uint8_t flags = m_flags[i];
    e.stepped = flags & kStepped;
    if (flags & kHasLoss) e.loss = m_loss[i];
    if (flags & kHasLossRaw) e.loss_raw = lossRaw(i);
    if (flags & kHasUpdate) e.update_norm = m_updateNorm[i];
    if (m_gradNorm[i] != kNoNorm) e.grad_norm = m_gradNorm[i];
    if (!std::isnan(m_lr.at(i))) e.lr = m_lr.at(i);
    e.samples = samples(i);
    if (i < m_paired.size() && m_paired[i]) e.peer_distance = m_peerDistance[i];
    const Cycle& cycle = m_cycle.at(i);
    const int explanation = flags >> kExplanationShift;
    if (explanation) {
        e.explanation.code = TextCode(int(kFirstExplanation) + explanation - 1);
        auto exact = m_exactNorm.find(i);
        const std::string norm =
            format_norm_arg(exact != m_exactNorm.end() ? exact->second : double(m_updateNorm[i]));
        const std::string held = m_heldTexts.empty() ? std::string() : m_heldTexts[cycle.held];
        switch (e.explanation.code) {
            case TextCode::explain_none_grads_none:
            case TextCode::explain_none_grads_kept: e.explanation.args = {norm}; break;
            case TextCode::explain_none_zero_moved: e.explanation.args = {norm, held}; break;
            case TextCode::explain_none_zero_still: e.explanation.args = {held}; break;
            default: break;
        }
    }
    e.closure_calls = int(m_closureCalls.at(i));
    e.cycle_position = int(m_cyclePosition.at(i));
    e.accumulate_grad_batches = cycle.accumulate;
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
    // (The recent events hold the batch_ends of the newest m_recentEnds.size() batches.)
    const std::size_t old = batchCount() - m_recentEnds.size();
    out.reserve(old + m_recent.size() + m_log.size() + 2);
    std::uint64_t seq = 0;
    std::int64_t stepped = 0;
    for (std::size_t i = 0; i < old; ++i) {  // seq and steps summed on the way, not per batch
        seq =
            i % kCheckpoint == 0 ? m_seqAt[i / kCheckpoint] : seq + std::uint64_t(m_seqDelta.at(i));
        stepped += m_flags[i] & kStepped;
        out.push_back(record(i, seq, m_stepOffset.at(i) + stepped));
    }
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
    std::uint64_t cut = serial == 0 ? (m_runStart ? m_runStart->seq : 0) : seqOf(serial - 1);
    if (serial > 0 && !m_recent.empty() && m_recent.front().seq > cut &&
        serial < batchCount())  // that point's stage records are no longer kept
        return false;
    // ... and, within batch `serial`, before `stage` is entered.
    if (stage) {
        for (const Event& e : m_recent) {
            if (e.seq <= cut) continue;
            if (e.type == EventType::batch_end) break;
            if ((e.type == EventType::stage_enter || e.type == EventType::stage_exit) &&
                e.stage == *stage)
                break;
            cut = e.seq;
        }
    }
    cutAt(serial, cut);
    return true;
}

void RunHistory::cutAt(std::size_t serial, std::uint64_t cut) {
    auto after = [cut](const Event& e) { return e.seq > cut; };
    m_recent.erase(std::remove_if(m_recent.begin(), m_recent.end(), after), m_recent.end());
    m_log.erase(std::remove_if(m_log.begin(), m_log.end(), after), m_log.end());
    while (!m_recentEnds.empty() && m_recentEnds.back() > cut) m_recentEnds.pop_back();
    truncateColumns(serial);
    m_runEnd.reset();
    ++m_generation;
}

std::size_t RunHistory::rewind(const Event& rewound) {
    const std::int64_t perEpoch =
        m_runStart ? std::max<std::int64_t>(1, m_runStart->total_batches_per_epoch) : 1;
    const std::int64_t position =
        std::max<std::int64_t>(0, rewound.epoch * perEpoch + rewound.batch_idx);
    const std::size_t serial = std::min(batchCount(), std::size_t(position));
    // Everything after the batch_end of batch serial - 1 goes (after run_start for batch 0),
    // and with it what came between that batch_end and the rewound event.
    const std::uint64_t cut = serial == 0 ? (m_runStart ? m_runStart->seq : 0) : seqOf(serial - 1);
    cutAt(serial, std::min(cut, rewound.seq));
    m_log.push_back(rewound);
    return serial;
}

void RunHistory::truncateColumns(std::size_t n) {
    truncateMetrics(n);  // also the batch in progress's step values (serial n)
    if (n >= batchCount()) return;
    for (auto* column : {&m_loss, &m_updateNorm, &m_gradNorm, &m_lossRaw})
        if (column->size() > n) column->resize(n);
    m_lr.truncate(n);
    m_flags.resize(n);
    m_closureCalls.truncate(n);
    m_cyclePosition.truncate(n);
    m_seqDelta.truncate(n);
    const std::size_t checkpoints = (n + kCheckpoint - 1) / kCheckpoint;
    m_seqAt.resize(checkpoints);
    m_steppedBefore.resize(checkpoints);
    m_stepOffset.truncate(n);
    m_position.truncate(n);
    m_cycle.truncate(n);
    m_exactNorm.erase(m_exactNorm.lower_bound(n), m_exactNorm.end());
    if (m_samples.size() > n) {
        m_samples.resize(n);
        m_peerDistance.resize(n);
        m_paired.resize(n);
    }
    for (auto& [key, column] : m_extras)
        if (column.size() > n) column.resize(n);
    m_lastEndSeq = n > 0 ? seqOf(n - 1) : 0;
    m_stepped = n > 0 ? steppedThrough(n - 1) : 0;
}

}  // namespace stepwise::gui
