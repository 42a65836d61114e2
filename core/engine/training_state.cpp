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
#include "stepwise/warning_cache.h"
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

std::vector<torch::Tensor> buffers_of(const TrainingModule& module) {
    std::vector<torch::Tensor> out;
    for (auto& [name, b] : module.buffers()) out.push_back(std::move(b));
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

TrainingState TrainingState::capture(FitLoop& fit, const ConditionSet& conditions,
                                     std::int64_t epoch, std::int64_t batch_idx,
                                     std::int64_t batch) {
    Trainer& trainer = fit.trainer();
    TrainingState s;
    s.batch_ = batch;
    s.epoch_ = epoch;
    s.batch_idx_ = batch_idx;
    std::size_t bytes = 0;
    for (const auto& [name, p] : trainer.module().parameters()) {
        s.values_.push_back(copy_of(p));
        s.grads_.push_back(copy_of(p.grad()));
        bytes += bytes_of(p) + bytes_of(p.grad());
    }
    for (const torch::Tensor& b : buffers_of(trainer.module())) {
        s.values_.push_back(copy_of(b));
        bytes += bytes_of(b);
    }
    for (const auto& group : trainer.optimizer().param_groups())
        s.group_options_.push_back(group.options().clone());
    std::unordered_map<std::string, std::size_t> index;
    for (const auto& named : trainer.module().parameters())
        index.emplace(state_key(named.second), index.size());
    for (const auto& [key, state] : trainer.optimizer().state()) {
        const auto at = index.find(key);
        if (at == index.end())
            throw std::logic_error("a snapshot found optimizer state for no parameter");
        s.optimizer_state_.emplace_back(at->second, deep_copy(*state));
        bytes += state_bytes(*state);
    }
    std::sort(s.optimizer_state_.begin(), s.optimizer_state_.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    if (trainer.scheduler()) s.scheduler_last_epoch_ = trainer.scheduler()->last_epoch();
    s.host_ = trainer.module().capture_host_state();
    if (s.host_) bytes += s.host_->bytes;
    {
        auto generator = at::detail::getDefaultCPUGenerator();
        std::lock_guard<std::mutex> lock(generator.mutex());
        s.generator_ = generator.get_state();
    }
    bytes += bytes_of(s.generator_);
    s.data_ = trainer.data().position();
    bytes += bytes_of(s.data_.order);
    s.progress_ = fit.optimization().state();
    for (const auto& [batch_idx, added] : s.progress_.contributions) bytes += bytes_of(added);
    s.next_instance_ = fit.observer().next_instance();
    s.conditions_ = conditions;
    s.warnings_ = warning_cache::contents();
    s.bytes_ = bytes + 1024;  // and the bookkeeping around it
    return s;
}

void TrainingState::restore(FitLoop& fit, ConditionSet& conditions) const {
    Trainer& trainer = fit.trainer();
    torch::NoGradGuard no_grad;
    std::size_t i = 0;
    for (const auto& [name, p] : trainer.module().parameters()) {
        p.detach().copy_(values_.at(i));
        put_back(p.mutable_grad(), grads_.at(i));
        ++i;
    }
    for (const torch::Tensor& b : buffers_of(trainer.module())) b.detach().copy_(values_.at(i++));
    auto& groups = trainer.optimizer().param_groups();
    for (std::size_t g = 0; g < groups.size() && g < group_options_.size(); ++g)
        groups[g].set_options(group_options_[g]->clone());
    auto& state = trainer.optimizer().state();
    state.clear();
    for (const auto& [at, saved] : optimizer_state_)
        state[state_key(trainer.module().parameters().at(at).second)] = deep_copy(*saved);
    if (trainer.scheduler()) trainer.scheduler()->set_last_epoch(scheduler_last_epoch_);
    // The module's own part may draw from torch's generator (a DataLoader made again): first.
    if (host_) trainer.module().restore_host_state(*host_);
    {
        auto generator = at::detail::getDefaultCPUGenerator();
        std::lock_guard<std::mutex> lock(generator.mutex());
        generator.set_state(generator_);
    }
    trainer.data().set_position(data_);
    fit.optimization().restore(progress_);
    Observer& observer = fit.observer();
    observer.set_next_instance(next_instance_);
    observer.pos = Position{};
    observer.pos.epoch = epoch_;
    observer.pos.batch_idx = batch_idx_;
    observer.pos.global_step = progress_.global_step;
    conditions.adopt_state(conditions_);  // today's breakpoints, in the state they had then
    warning_cache::restore(warnings_);
}

void TrainingState::restore_as(FitLoop& fit, ConditionSet& conditions, const OptimizerSpec& from,
                               const OptimizerSpec& to) const {
    restore(fit, conditions);
    torch::optim::Optimizer& optimizer = fit.trainer().optimizer();
    const std::vector<torch::Tensor> params = fit.trainer().module().parameter_tensors();
    const auto fresh_to = make_optimizer(to, params);
    auto& groups = optimizer.param_groups();
    if (from.name != to.name) {
        optimizer.state().clear();
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
