#pragma once
// Breakpoints and watchpoints: conditions on what a run measures, written as short expressions
// ("nonfinite", "grad_norm>10", "acc<0.2 and epoch>=2", "stage=backward and batch=5"), parsed
// here and evaluated on the run's events. Torch-free, so that the window can check what a person
// types and the engine evaluates the same conditions on its training thread.
//
// The language (README "Breakpoints"):
//   expression := term ("and" term)*
//   term       := none | nonfinite | clipped | exception | spike>K | unchanged | unchanged[NAME]
//               | loss CMP X | grad_norm[NAME] CMP X | grad_norm CMP X | NAME CMP X (a scalar
//               extra) | update_ratio CMP X | update_ratio[NAME] CMP X | global_step CMP N | epoch
//               CMP N | batch CMP N | call CMP N | stage=STAGE | line=FILE:N
//   CMP        := < | <= | > | >= | = | == | !=
// A value term is measured by one stage: none, nonfinite, spike, loss and the extras at
// training_step's exit, grad_norm at on_after_backward's, clipped at configure_gradient_clipping's,
// update_ratio (‖Δθ‖/‖θ‖) and unchanged (a step left a parameter bit for bit as it was) at
// optimizer_step's, exception at an error. Every value term of one expression must be measured by
// the same stage; the position terms (global_step, epoch, batch, call, stage) narrow where it
// counts. An expression of position terms only is a breakpoint on a place: it hits at the first
// stage boundary where all of them hold, before that stage runs, and again only after they stopped
// holding. `line=FILE:N` (a script's run) is a place too: line N of the user's file FILE (its
// name, or the end of its path) inside training_step, before the line runs; it hits each time the
// line is reached (with the other position terms holding), and never at a stage boundary. With it,
// a NAME CMP X term (`loss` too) tests the line's variable NAME: a number, or a one-element
// tensor's value; a missing or other variable does not hold.

#include <cstdint>
#include <deque>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "stepwise/events.h"

namespace stepwise {

enum class Compare : std::uint8_t { lt, le, gt, ge, eq, ne };

struct ConditionTerm {
    enum class Kind : std::uint8_t {
        none_returned,  ///< training_step returned None
        nonfinite,      ///< the loss as returned is NaN or infinite
        spike,         ///< the loss above threshold × the mean of the previous kSpikeWindow losses
        loss,          ///< the loss Lightning reports (normalised by N)
        grad_norm,     ///< total, or `name`'s, gradient 2-norm after backward
        clipped,       ///< clipping made the gradients smaller
        exception,     ///< a stage raised
        extra,         ///< the scalar extra `name`
        update_ratio,  ///< total, or `name`'s, ‖Δθ‖/‖θ‖ of an optimizer step
        unchanged,     ///< an optimizer step left a parameter (or `name`) exactly as it was
        global_step,
        epoch,
        batch,
        call,   ///< position
        stage,  ///< position: the stage about to run
        line,   ///< position: line `threshold` of file `name` (a script's own code)
    };
    Kind kind = Kind::none_returned;
    Compare compare = Compare::gt;
    double threshold = 0.0;
    std::string name;  ///< grad_norm's, update_ratio's or unchanged's parameter, or the extra's key
    Stage stage = Stage::on_train_batch_start;

    bool is_position() const;
};

struct Condition {
    std::vector<ConditionTerm> terms;
    /// The stage whose exit measures the value terms; nullopt for a place (position terms only)
    /// and for `exception`, which is measured by the error.
    std::optional<Stage> measured_at;
    bool on_error = false;  ///< has the exception term
    bool place() const { return !measured_at && !on_error; }
    /// Has a `line=FILE:N` term: it hits at lines of the user's code, not at stage boundaries.
    bool at_line() const;
};

struct ConditionError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// Parses an expression; throws ConditionError naming what is wrong and where.
Condition parse_condition(const std::string& text);
/// The expression in its one canonical spelling ("grad_norm[w1] > 10 and epoch >= 2").
std::string format_condition(const Condition& condition);

/// A breakpoint as the run config keeps it.
struct BreakpointSpec {
    std::string when;  ///< the expression, as written
    bool enabled = true;
    bool operator==(const BreakpointSpec& o) const {
        return when == o.when && enabled == o.enabled;
    }
};

/// What one hit says: which breakpoint, the expression, and the value that met it.
struct ConditionHit {
    std::size_t index = 0;        ///< into the breakpoints given to ConditionSet
    std::string expression;       ///< canonical
    std::optional<double> value;  ///< the measured value of the first value term, if any
    std::string value_name;       ///< what that value is ("loss", "grad_norm[w1]", "acc")
};

/// The breakpoints of one run, with the state some need (a spike's recent losses, a place's
/// edge). Used on one thread: the engine's training thread, or a replay's reader.
class ConditionSet {
  public:
    static constexpr std::size_t kSpikeWindow = 20;  ///< losses in a spike's moving average
    static constexpr std::size_t kSpikeWarmup = 5;   ///< losses before a spike can be judged

    ConditionSet() = default;
    /// Parses every spec; throws ConditionError naming the breakpoint (1-based) that is wrong.
    explicit ConditionSet(const std::vector<BreakpointSpec>& specs);

    bool empty() const { return entries_.empty(); }
    std::size_t size() const { return entries_.size(); }
    bool has_places() const { return has_places_; }
    /// Some breakpoint tests gradient norms: the run must measure them.
    bool needs_norms() const;
    /// Some breakpoint tests an optimizer step's update-to-weight ratios (update_ratio, unchanged).
    bool needs_update_ratios() const;
    std::int64_t hits(std::size_t index) const { return entries_[index].hits; }

    /// The breakpoints changed while the run goes (the window's Breakpoints dock): a breakpoint
    /// whose expression stays keeps its state and hit count, a new one starts afresh. Throws
    /// ConditionError as the constructor does, and then changes nothing.
    void update(const std::vector<BreakpointSpec>& specs);
    /// Takes the state (hits, a place's edge, a spike's window) of `earlier`'s breakpoints with the
    /// same expressions; the others start afresh. A rewind restores the state a snapshot kept
    /// without bringing back breakpoints deleted since.
    void adopt_state(const ConditionSet& earlier);

    /// A measurement: a stage's exit, or an error. Hits of enabled value breakpoints, counted.
    std::vector<ConditionHit> on_event(const Event& event);
    /// A stage boundary, before `stage` runs: hits of enabled place breakpoints, counted.
    std::vector<ConditionHit> at_boundary(Stage stage, std::int64_t epoch, std::int64_t batch_idx,
                                          std::int64_t global_step, int call);
    /// Has an enabled `line=` breakpoint: a script's training_step then traces its lines.
    bool has_lines() const;
    /// Whether `file` (a path) and `line` are some `line=` breakpoint's (a cheap first look).
    bool names_line(const std::string& file, std::int64_t line) const;
    /// A line of the user's code about to run (`stage` the one it is in, `locals` its variables):
    /// hits of enabled `line=` breakpoints whose terms all hold, counted; every time the line is
    /// reached.
    std::vector<ConditionHit> at_line(
        const std::string& file, std::int64_t line,
        const std::vector<std::pair<std::string, ValueDescription>>& locals, Stage stage,
        std::int64_t epoch, std::int64_t batch_idx, std::int64_t global_step, int call);

  private:
    struct Entry {
        Condition condition;
        std::string expression;
        bool enabled = true;
        std::int64_t hits = 0;
        bool was_true = false;             ///< a place: it held at the last boundary
        std::deque<double> recent_losses;  ///< a spike's window
    };
    std::vector<Entry> entries_;
    bool has_places_ = false;
    std::optional<double> last_backward_norm_;  ///< for `clipped`: the norm clipping starts from
};

/// A hit as a run's notice says it: "breakpoint 2 (grad_norm > 10) hit: grad_norm = 12.5".
Text breakpoint_hit_text(const ConditionHit& hit);

}  // namespace stepwise
