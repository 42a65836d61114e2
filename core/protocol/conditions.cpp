#include "stepwise/conditions.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <numeric>

#include "stepwise/numbers.h"

namespace stepwise {

namespace {

using Kind = ConditionTerm::Kind;

const char* compare_text(Compare c) {
    switch (c) {
        case Compare::lt: return "<";
        case Compare::le: return "<=";
        case Compare::gt: return ">";
        case Compare::ge: return ">=";
        case Compare::eq: return "=";
        case Compare::ne: return "!=";
    }
    return "?";
}

bool compare(double value, Compare c, double threshold) {
    switch (c) {
        case Compare::lt: return value < threshold;
        case Compare::le: return value <= threshold;
        case Compare::gt: return value > threshold;
        case Compare::ge: return value >= threshold;
        case Compare::eq: return value == threshold;
        case Compare::ne: return value != threshold;
    }
    return false;
}

/// Where a value term is measured.
std::optional<Stage> measured_at(Kind kind) {
    switch (kind) {
        case Kind::none_returned:
        case Kind::nonfinite:
        case Kind::spike:
        case Kind::loss:
        case Kind::extra: return Stage::training_step;
        case Kind::grad_norm: return Stage::on_after_backward;
        case Kind::clipped: return Stage::configure_gradient_clipping;
        case Kind::update_ratio:
        case Kind::unchanged: return Stage::optimizer_step;
        default: return std::nullopt;
    }
}

std::string term_text(const ConditionTerm& t) {
    const std::string threshold = general_number(t.threshold);
    const std::string op = std::string(" ") + compare_text(t.compare) + " ";
    switch (t.kind) {
        case Kind::none_returned: return "none";
        case Kind::nonfinite: return "nonfinite";
        case Kind::clipped: return "clipped";
        case Kind::exception: return "exception";
        case Kind::spike: return "spike" + op + threshold;
        case Kind::loss: return "loss" + op + threshold;
        case Kind::grad_norm:
            return (t.name.empty() ? "grad_norm" : "grad_norm[" + t.name + "]") + op + threshold;
        case Kind::extra: return t.name + op + threshold;
        case Kind::update_ratio:
            return (t.name.empty() ? "update_ratio" : "update_ratio[" + t.name + "]") + op +
                   threshold;
        case Kind::unchanged: return t.name.empty() ? "unchanged" : "unchanged[" + t.name + "]";
        case Kind::global_step: return "global_step" + op + threshold;
        case Kind::epoch: return "epoch" + op + threshold;
        case Kind::batch: return "batch" + op + threshold;
        case Kind::call: return "call" + op + threshold;
        case Kind::stage: return std::string("stage = ") + stage_name(t.stage);
        case Kind::line:
            return "line = " + t.name + ":" + std::to_string(std::int64_t(t.threshold));
    }
    return "?";
}

/// The expression's tokens, read left to right; errors name the column (1-based).
class Parser {
  public:
    explicit Parser(const std::string& text) : text_(text) {}

    Condition parse() {
        Condition c;
        skip_space();
        if (at_end()) fail("an empty condition");
        do {
            c.terms.push_back(term());
            skip_space();
        } while (conjunction());
        if (!at_end())
            fail("\"" + text_.substr(pos_) + "\" after the condition (join terms with \"and\")",
                 pos_);
        // At a line, a name is the line's variable (`loss` too): its number, or a one-element
        // tensor's value, when the line is about to run. Nothing a stage measures goes with it.
        const bool line = std::any_of(c.terms.begin(), c.terms.end(),
                                      [](const ConditionTerm& t) { return t.kind == Kind::line; });
        for (ConditionTerm& t : c.terms) {
            if (!line || t.is_position() || t.kind == Kind::extra) continue;
            if (t.kind != Kind::loss)
                fail(
                    "a line condition tests the line's variables (NAME > X: a number or a "
                    "one-element tensor) and the position, not " +
                    term_text(t));
            t.kind = Kind::extra;
            t.name = "loss";
        }
        for (const ConditionTerm& t : c.terms) {
            if (line) continue;
            if (t.kind == Kind::exception) c.on_error = true;
            const auto at = measured_at(t.kind);
            if (!at) continue;
            if (c.measured_at && *c.measured_at != *at)
                fail(std::string(
                         "one condition can only test values of one stage, and this one mixes ") +
                     stage_name(*c.measured_at) + "'s with " + stage_name(*at) + "'s");
            c.measured_at = at;
        }
        if (c.on_error && c.measured_at)
            fail(
                "\"exception\" goes with position terms only (global_step, epoch, batch, call, "
                "stage)");
        return c;
    }

  private:
    /// What is wrong with the whole expression.
    [[noreturn]] void fail(const std::string& what) const {
        throw ConditionError(what + ": \"" + text_ + "\"");
    }
    /// What is wrong at a column.
    [[noreturn]] void fail(const std::string& what, std::size_t at) const {
        throw ConditionError(what + " at column " + std::to_string(at + 1) + " of \"" + text_ +
                             "\"");
    }
    bool at_end() const { return pos_ >= text_.size(); }
    void skip_space() {
        while (!at_end() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
    }
    static bool name_char(char ch) {
        return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '.' || ch == '/';
    }
    /// Takes "and" (a whole word) or "&&" if it comes next.
    bool conjunction() {
        skip_space();
        if (text_.compare(pos_, 2, "&&") == 0) {
            pos_ += 2;
            return true;
        }
        if (text_.compare(pos_, 3, "and") != 0 ||
            (pos_ + 3 < text_.size() && name_char(text_[pos_ + 3])))
            return false;
        pos_ += 3;
        return true;
    }
    std::string name() {
        skip_space();
        const std::size_t start = pos_;
        if (at_end() ||
            !(std::isalpha(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '_'))
            fail("expected a name (none, nonfinite, loss, grad_norm, an extra, ...)", pos_);
        while (!at_end() && name_char(text_[pos_])) ++pos_;
        return text_.substr(start, pos_ - start);
    }
    Compare comparison() {
        skip_space();
        static const std::pair<const char*, Compare> ops[] = {
            {"<=", Compare::le}, {">=", Compare::ge}, {"==", Compare::eq}, {"!=", Compare::ne},
            {"<", Compare::lt},  {">", Compare::gt},  {"=", Compare::eq}};
        for (const auto& [text, op] : ops) {
            const std::size_t n = std::char_traits<char>::length(text);
            if (text_.compare(pos_, n, text) == 0) {
                pos_ += n;
                return op;
            }
        }
        fail("expected a comparison (<, <=, >, >=, =, !=)", pos_);
    }
    double number(bool integer) {
        skip_space();
        const char* begin = text_.c_str() + pos_;
        char* end = nullptr;
        const double value = std::strtod(begin, &end);
        if (end == begin) fail(integer ? "expected a whole number" : "expected a number", pos_);
        if (std::isnan(value)) fail("a NaN threshold never compares true; use \"nonfinite\"", pos_);
        if (integer && (value != std::floor(value) || std::abs(value) > 9e15))
            fail("expected a whole number", pos_);
        pos_ += static_cast<std::size_t>(end - begin);
        return value;
    }

    /// An optional "[NAME]" after grad_norm, update_ratio or unchanged.
    std::string parameter_name() {
        skip_space();
        if (at_end() || text_[pos_] != '[') return {};
        const std::size_t close = text_.find(']', pos_);
        if (close == std::string::npos) fail("a parameter name in [ ] is not closed", pos_);
        std::string name = text_.substr(pos_ + 1, close - pos_ - 1);
        if (name.empty()) fail("an empty parameter name", pos_);
        pos_ = close + 1;
        return name;
    }

    ConditionTerm term() {
        skip_space();
        const std::size_t start = pos_;
        const std::string word = name();
        ConditionTerm t;
        if (word == "none" || word == "nonfinite" || word == "clipped" || word == "exception") {
            t.kind = word == "none"        ? Kind::none_returned
                     : word == "nonfinite" ? Kind::nonfinite
                     : word == "clipped"   ? Kind::clipped
                                           : Kind::exception;
            return t;
        }
        if (word == "stage") {
            const Compare op = comparison();
            if (op != Compare::eq) fail("a stage is chosen with \"=\"", start);
            const std::size_t at = (skip_space(), pos_);
            const std::string stage = name();
            const auto s = stage_from_name(stage);
            if (!s)
                fail(
                    "no stage \"" + stage + "\" (stages are Lightning's hook names, e.g. backward)",
                    at);
            t.kind = Kind::stage;
            t.stage = *s;
            t.compare = Compare::eq;
            return t;
        }
        if (word == "line") {
            const Compare op = comparison();
            if (op != Compare::eq) fail("a line is chosen with \"=\" (line=train.py:42)", start);
            skip_space();
            const std::size_t at = pos_;
            while (!at_end() && !std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
            const std::string where = text_.substr(at, pos_ - at);
            const std::size_t colon = where.rfind(':');
            const std::string digits = colon == std::string::npos ? "" : where.substr(colon + 1);
            if (colon == 0 || digits.empty() ||
                digits.find_first_not_of("0123456789") != std::string::npos || digits.size() > 9 ||
                std::stol(digits) < 1)
                fail("a line is FILE:N, e.g. line=train.py:42", at);
            t.kind = Kind::line;
            t.name = where.substr(0, colon);
            t.threshold = double(std::stol(digits));
            t.compare = Compare::eq;
            return t;
        }
        if (word == "unchanged") {
            t.kind = Kind::unchanged;
            t.name = parameter_name();
            return t;
        }
        if (word == "grad_norm" || word == "update_ratio") {
            t.kind = word == "grad_norm" ? Kind::grad_norm : Kind::update_ratio;
            t.name = parameter_name();
        } else if (word == "spike") {
            t.kind = Kind::spike;
        } else if (word == "loss") {
            t.kind = Kind::loss;
        } else if (word == "global_step" || word == "epoch" || word == "batch" || word == "call") {
            t.kind = word == "global_step" ? Kind::global_step
                     : word == "epoch"     ? Kind::epoch
                     : word == "batch"     ? Kind::batch
                                           : Kind::call;
        } else {
            t.kind = Kind::extra;
            t.name = word;
        }
        t.compare = comparison();
        t.threshold = number(t.is_position());
        if (t.kind == Kind::spike && (t.compare != Compare::gt || !(t.threshold > 0)))
            fail("a spike is \"spike > K\" with K > 0 (times the moving average)", start);
        return t;
    }

    const std::string& text_;
    std::size_t pos_ = 0;
};

}  // namespace

bool ConditionTerm::is_position() const {
    return kind == Kind::global_step || kind == Kind::epoch || kind == Kind::batch ||
           kind == Kind::call || kind == Kind::stage || kind == Kind::line;
}

bool Condition::at_line() const {
    for (const ConditionTerm& t : terms)
        if (t.kind == ConditionTerm::Kind::line) return true;
    return false;
}

Condition parse_condition(const std::string& text) {
    return Parser(text).parse();
}

std::string format_condition(const Condition& condition) {
    std::string out;
    for (const ConditionTerm& t : condition.terms) {
        if (!out.empty()) out += " and ";
        out += term_text(t);
    }
    return out;
}

ConditionSet::ConditionSet(const std::vector<BreakpointSpec>& specs) {
    for (std::size_t i = 0; i < specs.size(); ++i) {
        Entry e;
        try {
            e.condition = parse_condition(specs[i].when);
        } catch (const ConditionError& error) {
            throw ConditionError("breakpoint " + std::to_string(i + 1) + ": " + error.what());
        }
        e.expression = format_condition(e.condition);
        e.enabled = specs[i].enabled;
        has_places_ = has_places_ || e.condition.place();
        entries_.push_back(std::move(e));
    }
}

void ConditionSet::update(const std::vector<BreakpointSpec>& specs) {
    ConditionSet next(specs);
    next.adopt_state(*this);
    next.last_backward_norm_ = last_backward_norm_;
    *this = std::move(next);
}

void ConditionSet::adopt_state(const ConditionSet& earlier) {
    for (Entry& e : entries_) {
        e.hits = 0;
        e.was_true = false;
        e.recent_losses.clear();
        for (const Entry& old : earlier.entries_)
            if (old.expression == e.expression) {
                e.hits = old.hits;
                e.was_true = old.was_true;
                e.recent_losses = old.recent_losses;
                break;
            }
    }
    last_backward_norm_ = earlier.last_backward_norm_;
}

bool ConditionSet::needs_norms() const {
    for (const Entry& e : entries_)
        for (const ConditionTerm& t : e.condition.terms)
            if (t.kind == Kind::grad_norm || t.kind == Kind::clipped ||
                t.kind == Kind::update_ratio || t.kind == Kind::unchanged)
                return true;
    return false;
}

bool ConditionSet::needs_update_ratios() const {
    for (const Entry& e : entries_)
        for (const ConditionTerm& t : e.condition.terms)
            if (t.kind == Kind::update_ratio || t.kind == Kind::unchanged) return true;
    return false;
}

namespace {

bool position_holds(const ConditionTerm& t, Stage stage, std::int64_t epoch, std::int64_t batch_idx,
                    std::int64_t global_step, int call) {
    switch (t.kind) {
        case Kind::global_step: return compare(double(global_step), t.compare, t.threshold);
        case Kind::epoch: return compare(double(epoch), t.compare, t.threshold);
        case Kind::batch: return compare(double(batch_idx), t.compare, t.threshold);
        case Kind::call: return compare(double(call), t.compare, t.threshold);
        case Kind::stage: return stage == t.stage;
        default: return true;
    }
}

}  // namespace

std::vector<ConditionHit> ConditionSet::on_event(const Event& event) {
    std::vector<ConditionHit> hits;
    const bool error = event.type == EventType::error && event.phase == ErrorPhase::stage;
    const bool exit = event.type == EventType::stage_exit && event.outcome == Outcome::ran;
    if (!error && !exit) return hits;
    const StagePayload& p = event.payload;
    if (exit && event.stage == Stage::on_after_backward && p.grad_norms)
        last_backward_norm_ = p.grad_norms->total;
    const Stage stage = event.stage;
    for (std::size_t i = 0; i < entries_.size(); ++i) {
        Entry& entry = entries_[i];
        const Condition& c = entry.condition;
        if (error ? !c.on_error : (!c.measured_at || *c.measured_at != event.stage)) continue;
        bool holds = true;
        std::optional<double> value;
        std::string value_name;
        auto measured = [&](const std::string& what, std::optional<double> v) {
            if (!value_name.empty()) return;
            value_name = what;
            value = v;
        };
        for (const ConditionTerm& t : c.terms) {
            bool term = false;
            switch (t.kind) {
                case Kind::none_returned: term = p.output && p.output->kind == "none"; break;
                case Kind::nonfinite:
                    term = p.loss_raw && !std::isfinite(*p.loss_raw);
                    if (term) measured("loss", p.loss_raw);
                    break;
                case Kind::spike: {
                    // Judged against the losses before this one; every finite loss joins the
                    // window.
                    if (!p.loss || !std::isfinite(*p.loss)) break;
                    auto& window = entry.recent_losses;
                    if (window.size() >= kSpikeWarmup) {
                        const double mean = std::accumulate(window.begin(), window.end(), 0.0) /
                                            double(window.size());
                        term = *p.loss > t.threshold * mean;
                        if (term) measured("loss / moving average", *p.loss / mean);
                    }
                    window.push_back(*p.loss);
                    if (window.size() > kSpikeWindow) window.pop_front();
                    break;
                }
                case Kind::loss:
                    term = p.loss && compare(*p.loss, t.compare, t.threshold);
                    if (term) measured("loss", p.loss);
                    break;
                case Kind::extra:
                    for (const auto& [key, v] : p.scalar_extras)
                        if (key == t.name) {
                            term = compare(v, t.compare, t.threshold);
                            if (term) measured(t.name, v);
                        }
                    break;
                case Kind::grad_norm:
                    if (!p.grad_norms) break;
                    if (t.name.empty()) {
                        term = compare(p.grad_norms->total, t.compare, t.threshold);
                        if (term) measured("grad_norm", p.grad_norms->total);
                    } else {
                        for (const auto& [name, norm] : p.grad_norms->per_parameter)
                            if (name == t.name && norm) {
                                term = compare(*norm, t.compare, t.threshold);
                                if (term) measured("grad_norm[" + t.name + "]", *norm);
                            }
                    }
                    break;
                case Kind::clipped:
                    // The norm after clipping against the one after the last backward.
                    term = p.grad_norms && last_backward_norm_ &&
                           p.grad_norms->total < *last_backward_norm_ * (1.0 - 1e-12);
                    if (term)
                        measured("clip coefficient", p.grad_norms->total / *last_backward_norm_);
                    break;
                case Kind::update_ratio:
                    if (!p.update_ratios) break;
                    if (t.name.empty()) {
                        term = compare(p.update_ratios->total, t.compare, t.threshold);
                        if (term) measured("update_ratio", p.update_ratios->total);
                    } else {
                        for (const auto& [name, ratio] : p.update_ratios->per_parameter)
                            if (name == t.name && ratio) {
                                term = compare(*ratio, t.compare, t.threshold);
                                if (term) measured("update_ratio[" + t.name + "]", *ratio);
                            }
                    }
                    break;
                case Kind::unchanged:
                    // The first parameter (or the named one) the step left exactly as it was.
                    if (!p.update_ratios) break;
                    for (const auto& [name, ratio] : p.update_ratios->per_parameter)
                        if ((t.name.empty() || name == t.name) && ratio && *ratio == 0.0) {
                            term = true;
                            measured("unchanged[" + name + "]", 0.0);
                            break;
                        }
                    break;
                case Kind::exception: term = error; break;
                default:
                    term = position_holds(t, stage, event.epoch, event.batch_idx, event.global_step,
                                          event.call);
            }
            holds = holds && term;
        }
        if (!holds || !entry.enabled) continue;
        ++entry.hits;
        hits.push_back({i, entry.expression, value, value_name});
    }
    return hits;
}

std::vector<ConditionHit> ConditionSet::at_boundary(Stage stage, std::int64_t epoch,
                                                    std::int64_t batch_idx,
                                                    std::int64_t global_step, int call) {
    std::vector<ConditionHit> hits;
    for (std::size_t i = 0; i < entries_.size(); ++i) {
        Entry& entry = entries_[i];
        if (!entry.condition.place() || entry.condition.at_line()) continue;
        bool holds = true;
        for (const ConditionTerm& t : entry.condition.terms)
            holds = holds && position_holds(t, stage, epoch, batch_idx, global_step, call);
        const bool fire = holds && !entry.was_true && entry.enabled;
        entry.was_true = holds;
        if (!fire) continue;
        ++entry.hits;
        hits.push_back({i, entry.expression, std::nullopt, {}});
    }
    return hits;
}

namespace {
/// `file` is `name`, or ends with "/" + `name`.
bool same_file(const std::string& file, const std::string& name) {
    if (file == name) return true;
    return file.size() > name.size() &&
           file.compare(file.size() - name.size(), name.size(), name) == 0 &&
           file[file.size() - name.size() - 1] == '/';
}
/// The variable terms of a line condition, on the line's variables.
bool locals_hold(const Condition& c,
                 const std::vector<std::pair<std::string, ValueDescription>>& locals) {
    for (const ConditionTerm& t : c.terms) {
        if (t.kind != ConditionTerm::Kind::extra) continue;
        const auto found = std::find_if(locals.begin(), locals.end(),
                                        [&](const auto& v) { return v.first == t.name; });
        if (found == locals.end() || !found->second.value ||
            !compare(*found->second.value, t.compare, t.threshold))
            return false;
    }
    return true;
}

bool line_term_holds(const Condition& c, const std::string& file, std::int64_t line) {
    for (const ConditionTerm& t : c.terms)
        if (t.kind == ConditionTerm::Kind::line &&
            (std::int64_t(t.threshold) != line || !same_file(file, t.name)))
            return false;
    return true;
}
}  // namespace

bool ConditionSet::has_lines() const {
    for (const Entry& e : entries_)
        if (e.enabled && e.condition.at_line()) return true;
    return false;
}

bool ConditionSet::names_line(const std::string& file, std::int64_t line) const {
    for (const Entry& e : entries_)
        if (e.enabled && e.condition.at_line() && line_term_holds(e.condition, file, line))
            return true;
    return false;
}

std::vector<ConditionHit> ConditionSet::at_line(
    const std::string& file, std::int64_t line,
    const std::vector<std::pair<std::string, ValueDescription>>& locals, Stage stage,
    std::int64_t epoch, std::int64_t batch_idx, std::int64_t global_step, int call) {
    std::vector<ConditionHit> hits;
    for (std::size_t i = 0; i < entries_.size(); ++i) {
        Entry& entry = entries_[i];
        if (!entry.enabled || !entry.condition.at_line()) continue;
        if (!line_term_holds(entry.condition, file, line)) continue;
        bool holds = locals_hold(entry.condition, locals);
        for (const ConditionTerm& t : entry.condition.terms)
            holds = holds && position_holds(t, stage, epoch, batch_idx, global_step, call);
        if (!holds) continue;
        ++entry.hits;
        hits.push_back({i, entry.expression, std::nullopt, {}});
    }
    return hits;
}

Text breakpoint_hit_text(const ConditionHit& hit) {
    if (hit.value_name.empty())
        return Text{TextCode::breakpoint_hit, {std::to_string(hit.index + 1), hit.expression}};
    return Text{TextCode::breakpoint_hit_value,
                {std::to_string(hit.index + 1), hit.expression, hit.value_name,
                 hit.value ? general_number(*hit.value) : std::string("None")}};
}

}  // namespace stepwise
