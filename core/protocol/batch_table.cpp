#include "stepwise/batch_table.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "stepwise/numbers.h"

namespace stepwise {

namespace {
std::string number_cell(const std::optional<double>& v) {
    return v ? shortest_number(*v) : std::string();
}
}  // namespace

std::string csv_field(const std::string& text) {
    if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
    std::string quoted = "\"";
    for (char c : text) {
        if (c == '"') quoted += '"';
        quoted += c;
    }
    return quoted + '"';
}

void BatchTable::log_into(Row& row, const LoggerCall& call) {
    for (const auto& [name, value] : call.values) {
        if (name == "epoch") continue;  // Lightning's own: the epoch column says it
        auto it = std::find(logged_keys_.begin(), logged_keys_.end(), name);
        const std::size_t column = std::size_t(it - logged_keys_.begin());
        if (it == logged_keys_.end()) logged_keys_.push_back(name);
        if (row.logged.size() <= column) row.logged.resize(column + 1);
        row.logged[column] = value;
    }
}

void BatchTable::add(const Event& e) {
    if (e.type == EventType::rewound) {
        cut_from(e.epoch, e.batch_idx);
        pending_.clear();
        return;
    }
    if (e.type == EventType::metrics && e.metrics) {
        for (const LoggerCall& call : e.metrics->logger_calls) {
            logger_calls_.emplace_back(e.position(), call);
            const bool row_made = !rows_.empty() && rows_.back().epoch == e.epoch &&
                                  rows_.back().batch_idx == e.batch_idx;
            if (row_made)
                log_into(rows_.back(), call);
            else
                pending_.push_back(call);
        }
        return;
    }
    if (e.type != EventType::batch_end) return;
    Row row;
    row.position() = e.position();
    row.stepped = e.stepped;
    row.loss = e.loss;
    row.loss_raw = e.loss_raw;
    row.grad_norm = e.grad_norm;
    row.update_norm = e.update_norm;
    row.lr = e.lr;
    row.samples = e.samples;
    row.peer_distance = e.peer_distance;
    row.extras.resize(extra_keys_.size());
    for (const auto& [key, value] : e.extras) {
        if (!value.value) continue;  // a scalar extra: a number or a one-element tensor
        auto it = std::find(extra_keys_.begin(), extra_keys_.end(), key);
        std::size_t column = std::size_t(it - extra_keys_.begin());
        if (it == extra_keys_.end()) {
            extra_keys_.push_back(key);
            row.extras.resize(extra_keys_.size());
        }
        row.extras[column] = value.value;
    }
    for (const LoggerCall& call : pending_) log_into(row, call);
    pending_.clear();
    rows_.push_back(std::move(row));
}

void BatchTable::cut_from(std::int64_t epoch, std::int64_t batch_idx) {
    rows_.erase(std::find_if(rows_.begin(), rows_.end(),
                             [&](const Row& r) {
                                 return r.epoch > epoch ||
                                        (r.epoch == epoch && r.batch_idx >= batch_idx);
                             }),
                rows_.end());
    logger_calls_.erase(
        std::find_if(logger_calls_.begin(), logger_calls_.end(),
                     [&](const auto& c) {
                         return c.first.epoch > epoch ||
                                (c.first.epoch == epoch && c.first.batch_idx >= batch_idx);
                     }),
        logger_calls_.end());
}

void BatchTable::write_cells(std::ostream& out, const Row& r) {
    out << r.epoch << ',' << r.batch_idx << ',' << r.global_step << ','
        << (r.stepped ? "True" : "False") << ',' << number_cell(r.loss) << ','
        << number_cell(r.loss_raw) << ',' << number_cell(r.grad_norm) << ','
        << number_cell(r.update_norm) << ',' << number_cell(r.lr);
}

void BatchTable::write_comparison_csv(std::ostream& out, const std::string& name_a,
                                      const BatchTable& a, const std::string& name_b,
                                      const BatchTable& b) {
    std::vector<std::string> keys = a.extra_keys_;
    for (const std::string& key : b.extra_keys_)
        if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(key);
    out << "run,epoch,batch_idx,global_step,stepped,loss,loss_raw,grad_norm,update_norm,lr,samples,"
           "peer_distance";
    for (const std::string& key : keys) out << ',' << csv_field(key);
    out << '\n';
    for (const auto& [name, table] :
         {std::pair<const std::string&, const BatchTable&>{name_a, a}, {name_b, b}}) {
        // Each run's extras by the shared column order.
        std::vector<std::size_t> column;
        for (const std::string& key : table.extra_keys_)
            column.push_back(std::size_t(std::find(keys.begin(), keys.end(), key) - keys.begin()));
        std::vector<std::optional<double>> cells;
        for (const Row& r : table.rows_) {
            out << csv_field(name) << ',';
            write_cells(out, r);
            out << ',' << r.samples << ',' << number_cell(r.peer_distance);
            cells.assign(keys.size(), std::nullopt);
            for (std::size_t i = 0; i < r.extras.size() && i < column.size(); ++i)
                cells[column[i]] = r.extras[i];
            for (const auto& cell : cells) out << ',' << number_cell(cell);
            out << '\n';
        }
    }
}

void BatchTable::write_csv(std::ostream& out) const {
    out << "epoch,batch_idx,global_step,stepped,loss,loss_raw,grad_norm,update_norm,lr";
    for (const std::string& key : extra_keys_) out << ',' << csv_field(key);
    for (const std::string& key : logged_keys_) out << ',' << csv_field(key);
    out << '\n';
    for (const Row& r : rows_) {
        write_cells(out, r);
        for (std::size_t i = 0; i < extra_keys_.size(); ++i)
            out << ',' << (i < r.extras.size() ? number_cell(r.extras[i]) : std::string());
        for (std::size_t i = 0; i < logged_keys_.size(); ++i)
            out << ',' << (i < r.logged.size() ? number_cell(r.logged[i]) : std::string());
        out << '\n';
    }
}

}  // namespace stepwise
