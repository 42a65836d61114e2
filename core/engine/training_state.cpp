#include "training_state.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <algorithm>
#include <limits>
#include <mutex>
#include <type_traits>
#include <unordered_map>

#include "loops.h"
#include "optimization.h"
#include "optimizer_state.h"
#include "stepwise/session.h"
#include "tensor_utils.h"

namespace stepwise {

namespace {

std::size_t bytes_of(const torch::Tensor& t) {
    return t.defined() ? t.nbytes() : 0;
}

/// Copies `from` into `to` when they match; otherwise hands back a fresh copy.
void put_back(torch::Tensor& to, const torch::Tensor& from) {
    if (!from.defined()) {
        to = torch::Tensor();
    } else if (to.defined() && to.sizes() == from.sizes() && to.dtype() == from.dtype()) {
        to.detach().copy_(from);
    } else {
        to = from.clone();
    }
}

std::vector<torch::Tensor> buffers_of(TrainingModule& module) {
    std::vector<torch::Tensor> out;
    for (const auto& b : module.module().named_buffers(/*recurse=*/true)) out.push_back(b.value);
    return out;
}

}  // namespace

namespace {
std::size_t state_bytes(const torch::optim::OptimizerParamState& state) {
    std::size_t n = 0;
    for_each_state_tensor(state, [&](const char*, const torch::Tensor& t) { n += bytes_of(t); });
    return n;
}
}  // namespace

std::unique_ptr<torch::optim::OptimizerParamState> deep_copy(
    const torch::optim::OptimizerParamState& state) {
    std::unique_ptr<torch::optim::OptimizerParamState> copy =
        state.clone();  // shares tensors: replace them
    if (!for_each_state_tensor(*copy, [](const char*, torch::Tensor& t) { t = copy_of(t); }))
        throw std::logic_error("a snapshot cannot copy this optimizer's state");
    return copy;
}

TrainingState TrainingState::capture(const TrainingParts& parts, std::int64_t epoch,
                                     std::int64_t batch_idx, std::int64_t batch) {
    TrainingState s;
    s.batch_ = batch;
    s.epoch_ = epoch;
    s.batch_idx_ = batch_idx;
    std::size_t bytes = 0;
    for (const auto& [name, p] : parts.module.parameters()) {
        s.values_.push_back(copy_of(p));
        s.grads_.push_back(copy_of(p.grad()));
        bytes += bytes_of(p) + bytes_of(p.grad());
    }
    for (const torch::Tensor& b : buffers_of(parts.module)) {
        s.values_.push_back(copy_of(b));
        bytes += bytes_of(b);
    }
    for (const auto& group : parts.optimizer.param_groups())
        s.group_options_.push_back(group.options().clone());
    std::unordered_map<std::string, std::size_t> index;
    for (const auto& named : parts.module.parameters())
        index.emplace(state_key(named.second), index.size());
    for (const auto& [key, state] : parts.optimizer.state()) {
        const auto at = index.find(key);
        if (at == index.end())
            throw std::logic_error("a snapshot found optimizer state for no parameter");
        s.optimizer_state_.emplace_back(at->second, deep_copy(*state));
        bytes += state_bytes(*state);
    }
    std::sort(s.optimizer_state_.begin(), s.optimizer_state_.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    if (parts.scheduler) s.scheduler_last_epoch_ = parts.scheduler->last_epoch();
    {
        auto generator = at::detail::getDefaultCPUGenerator();
        std::lock_guard<std::mutex> lock(generator.mutex());
        s.generator_ = generator.get_state();
    }
    bytes += bytes_of(s.generator_);
    s.data_ = parts.data.position();
    bytes += bytes_of(s.data_.order);
    s.global_step_ = parts.ctx.global_step;
    s.graph_extras_noted_ = parts.ctx.graph_extras_noted;
    for (const auto& [batch_idx, added] : parts.ctx.contributions) {
        s.contributions_.emplace_back(batch_idx, copy_of(added));
        bytes += bytes_of(added);
    }
    s.next_instance_ = parts.observer.next_instance();
    s.conditions_ = parts.conditions;
    s.warnings_ = warning_cache::contents();
    s.bytes_ = bytes + 1024;  // and the bookkeeping around it
    return s;
}

void TrainingState::restore(const TrainingParts& parts) const {
    torch::NoGradGuard no_grad;
    std::size_t i = 0;
    for (const auto& [name, p] : parts.module.parameters()) {
        p.detach().copy_(values_.at(i));
        put_back(p.mutable_grad(), grads_.at(i));
        ++i;
    }
    for (const torch::Tensor& b : buffers_of(parts.module)) b.detach().copy_(values_.at(i++));
    auto& groups = parts.optimizer.param_groups();
    for (std::size_t g = 0; g < groups.size() && g < group_options_.size(); ++g)
        groups[g].set_options(group_options_[g]->clone());
    auto& state = parts.optimizer.state();
    state.clear();
    for (const auto& [at, saved] : optimizer_state_)
        state[state_key(parts.module.parameters().at(at).second)] = deep_copy(*saved);
    if (parts.scheduler) parts.scheduler->set_last_epoch(scheduler_last_epoch_);
    {
        auto generator = at::detail::getDefaultCPUGenerator();
        std::lock_guard<std::mutex> lock(generator.mutex());
        generator.set_state(generator_);
    }
    parts.data.set_position(data_);
    parts.ctx.global_step = global_step_;
    parts.ctx.graph_extras_noted = graph_extras_noted_;
    parts.ctx.contributions.clear();
    for (const auto& [batch_idx, added] : contributions_)
        parts.ctx.contributions.emplace_back(batch_idx, copy_of(added));
    parts.ctx.norms_after_backward.reset();
    parts.ctx.none_step_facts.reset();
    parts.observer.set_next_instance(next_instance_);
    parts.observer.pos.epoch = epoch_;
    parts.observer.pos.batch_idx = batch_idx_;
    parts.observer.pos.global_step = global_step_;
    parts.observer.pos.call = 0;
    parts.observer.pos.depth = 0;
    parts.conditions.adopt_state(conditions_);  // today's breakpoints, in the state they had then
    warning_cache::restore(warnings_);
}

void TrainingState::restore_as(const TrainingParts& parts, const OptimizerSpec& from,
                               const OptimizerSpec& to) const {
    restore(parts);
    const std::vector<torch::Tensor> params = parts.module.parameter_tensors();
    const auto fresh_to = make_optimizer(to, params);
    auto& groups = parts.optimizer.param_groups();
    if (from.name != to.name) {
        parts.optimizer.state().clear();
        for (std::size_t g = 0; g < groups.size(); ++g)
            groups[g].set_options(fresh_to->param_groups().at(g).options().clone());
        return;
    }
    const auto fresh_from = make_optimizer(from, params);
    for (std::size_t g = 0; g < groups.size(); ++g) {
        const double now = groups[g].options().get_lr();
        const double was = fresh_from->param_groups().at(g).options().get_lr();
        std::unique_ptr<torch::optim::OptimizerOptions> options =
            fresh_to->param_groups().at(g).options().clone();
        if (now != was && was != 0)
            options->set_lr(now * (options->get_lr() / was));  // a scheduler's factor
        groups[g].set_options(std::move(options));
    }
}

// ---- the store ----------------------------------------------------------------------------------

bool SnapshotStore::has(std::int64_t batch) const {
    const TrainingState* s = at_or_before(batch);
    return s && s->batch() == batch;
}

void SnapshotStore::add(TrainingState state) {
    last_offered_ = state.bytes();
    if (state.bytes() > budget_) return;
    const std::int64_t batch = state.batch();
    auto kept = std::make_shared<const TrainingState>(std::move(state));
    auto at = std::lower_bound(states_.begin(), states_.end(), batch,
                               [](const auto& s, std::int64_t b) { return s->batch() < b; });
    if (at != states_.end() && (*at)->batch() == batch) {
        bytes_ -= (*at)->bytes();
        bytes_ += kept->bytes();
        *at = std::move(kept);
    } else {
        bytes_ += kept->bytes();
        states_.insert(at, std::move(kept));
    }
    while ((bytes_ > budget_ || states_.size() > kMaxCount) && states_.size() > 1) evict_one();
}

void SnapshotStore::evict_one() {
    // Never the first (the run's start); the newest only when it is the last one left beside it.
    const std::int64_t head = states_.back()->batch();
    std::size_t victim = states_.size() - 1;
    double best = std::numeric_limits<double>::infinity();
    for (std::size_t i = 1; i + 1 < states_.size(); ++i) {
        const double gap = double(states_[i + 1]->batch() - states_[i - 1]->batch());
        const double score = gap / double(head - states_[i]->batch() + 1);
        if (score < best) {
            best = score;
            victim = i;
        }
    }
    bytes_ -= states_[victim]->bytes();
    states_.erase(states_.begin() + static_cast<std::ptrdiff_t>(victim));
}

std::shared_ptr<const TrainingState> SnapshotStore::shared_at_or_before(std::int64_t batch) const {
    auto at = std::upper_bound(states_.begin(), states_.end(), batch,
                               [](std::int64_t b, const auto& s) { return b < s->batch(); });
    if (at == states_.begin()) return nullptr;
    return *(at - 1);
}

const TrainingState* SnapshotStore::at_or_before(std::int64_t batch) const {
    return shared_at_or_before(batch).get();
}

std::vector<std::int64_t> SnapshotStore::batches() const {
    std::vector<std::int64_t> out;
    out.reserve(states_.size());
    for (const auto& s : states_) out.push_back(s->batch());
    return out;
}

}  // namespace stepwise
