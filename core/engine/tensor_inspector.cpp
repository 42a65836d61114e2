#include "tensor_inspector.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "optimizer_state.h"
#include "tensor_utils.h"

namespace stepwise {

namespace {

/// Equal element for element, NaN matching NaN (a NaN grad that stays NaN did not change).
bool same_values(const torch::Tensor& a, const torch::Tensor& b) {
    if (a.sizes() != b.sizes() || a.scalar_type() != b.scalar_type()) return false;
    if (a.numel() == 0) return true;
    if (!a.is_floating_point()) return torch::equal(a, b);
    return torch::logical_or(a == b, torch::logical_and(torch::isnan(a), torch::isnan(b)))
        .all()
        .item<bool>();
}

bool all_zero(const torch::Tensor& t) {
    return t.numel() == 0 || !t.ne(0).any().item<bool>();
}

double norm_of(const torch::Tensor& t) {
    if (t.numel() == 0) return 0.0;
    return t.detach().to(torch::kDouble).norm().item<double>();
}

}  // namespace

void TensorInspector::watch(Inspect what) {
    if (!what.tensors) forget();
    watching_ = std::move(what);
}

void TensorInspector::forget() {
    kept_.clear();
}

std::vector<TensorInspector::Item> TensorInspector::collect(Trainer& trainer) {
    std::vector<Item> items;
    // The optimizer files its state by the parameter's TensorImpl; LBFGS keeps one state, under
    // the first parameter, for all of them (its history is over the flattened parameters).
    std::unordered_map<std::string, const torch::optim::OptimizerParamState*> states;
    for (const auto& [key, state] : trainer.optimizer().state()) states.emplace(key, state.get());
    for (const auto& named : trainer.module().parameters()) {
        // Named, not a structured binding: the lambdas below capture it (C++17 forbids capturing
        // a binding, and clang holds to that).
        const std::string& name = named.first;
        const torch::Tensor& p = named.second;
        items.push_back({name, name, TensorRole::parameter, p.detach(), std::nullopt});
        items.push_back({name + ".grad", name, TensorRole::grad,
                         p.grad().defined() ? p.grad().detach() : torch::Tensor(), std::nullopt});
        const auto it = states.find(state_key(p));
        if (it == states.end()) continue;
        std::unordered_map<std::string, int> seen;  // LBFGS's lists: old_dirs[0], old_dirs[1], ...
        const bool lists =
            dynamic_cast<const torch::optim::LBFGSParamState*>(it->second) != nullptr;
        for_each_state_tensor(*it->second, [&](const char* key, const torch::Tensor& t) {
            // What the optimizer does not use (max_exp_avg_sq without amsgrad, RMSprop's
            // momentum_buffer without momentum) it leaves undefined; torch.optim's state has no
            // such entry.
            if (!t.defined()) return;
            std::string label = name + ":" + key;
            const bool listed =
                lists && (std::string(key) == "old_dirs" || std::string(key) == "old_stps" ||
                          std::string(key) == "ro" || std::string(key) == "al");
            if (listed) label += "[" + std::to_string(seen[key]++) + "]";
            items.push_back({label, name, TensorRole::state, t.detach(), std::nullopt});
        });
        for_each_state_count(*it->second, [&](const char* key, std::int64_t value) {
            items.push_back(
                {name + ":" + key, name, TensorRole::state, torch::Tensor(), double(value)});
        });
    }
    for (const auto& [name, b] : trainer.module().buffers())
        items.push_back({name, name, TensorRole::buffer, b.detach(), std::nullopt});
    return items;
}

void TensorInspector::remember(Trainer& trainer, std::uint64_t boundary, Stage stage,
                               std::int64_t epoch, std::int64_t batch_idx) {
    if (!watching_.tensors) return;
    torch::NoGradGuard no_grad;
    kept_ = collect(trainer);
    for (Item& item : kept_) item.tensor = copy_of(item.tensor);
    kept_boundary_ = boundary;
    kept_stage_ = stage;
    kept_epoch_ = epoch;
    kept_batch_idx_ = batch_idx;
}

TensorSummary TensorInspector::summarize(const Item& now, const Item* before, bool compare) const {
    TensorSummary s;
    s.name = now.name;
    s.parameter = now.parameter;
    s.role = now.role;
    const torch::Tensor& t = now.tensor;
    if (now.count) {
        s.dtype = "int64";
        s.value = *now.count;
        s.norm = std::abs(*now.count);
        s.all_zero = *now.count == 0;
    } else if (t.defined()) {
        s.shape.assign(t.sizes().begin(), t.sizes().end());
        s.dtype = dtype_name(t.scalar_type());
        s.norm = norm_of(t);
        s.all_zero = all_zero(t);
        if (t.numel() == 1) s.value = t.to(torch::kDouble).item<double>();
    } else {
        s.defined = false;
        if (before && before->tensor.defined()) {  // keep what it was, to say what it is
            s.shape.assign(before->tensor.sizes().begin(), before->tensor.sizes().end());
            s.dtype = dtype_name(before->tensor.scalar_type());
        }
    }
    if (!compare) return s;
    const bool is_grad = now.role == TensorRole::grad;
    if (!before) {
        s.change = now.count || t.defined() ? TensorChange::created : TensorChange::unchanged;
        return s;
    }
    if (now.count || before->count) {
        if (now.count != before->count) s.change = TensorChange::moved;
        return s;
    }
    const torch::Tensor& b = before->tensor;
    if (b.defined() && !t.defined()) {
        s.change = is_grad ? TensorChange::set_to_none : TensorChange::removed;
    } else if (!b.defined() && t.defined()) {
        s.change = is_grad ? TensorChange::filled : TensorChange::created;
    } else if (b.defined() && t.defined() && !same_values(t, b)) {
        const bool same_shape = t.sizes() == b.sizes();
        const torch::Tensor td = same_shape ? t.to(torch::kDouble) : torch::Tensor();
        const torch::Tensor bd = same_shape ? b.to(torch::kDouble) : torch::Tensor();
        if (same_shape) s.change_norm = norm_of(td - bd);
        const bool was_zero = all_zero(b);
        if (is_grad && s.all_zero) {
            s.change = TensorChange::zero_filled;
        } else if (is_grad && was_zero) {
            s.change = TensorChange::filled;
        } else {
            s.change = is_grad ? TensorChange::accumulated : TensorChange::moved;
            // One factor for every element (clipping by norm): now == c · before.
            if (same_shape && t.is_floating_point() && !was_zero) {
                const double c = (td * bd).sum().item<double>() / (bd * bd).sum().item<double>();
                const double residual = norm_of(td - c * bd);
                if (std::isfinite(c) && c != 1.0 &&
                    residual <= 1e-5 * std::max(norm_of(td), 1e-30)) {
                    s.change = TensorChange::scaled;
                    s.scale = c;
                }
            }
        }
    }
    return s;
}

TensorDetail TensorInspector::detail(const Item& now, const Item* before, bool compare) const {
    TensorDetail d;
    d.name = now.name;
    torch::Tensor values;
    if (now.count) {
        values = torch::tensor({*now.count}, torch::kDouble);
    } else if (now.tensor.defined()) {
        d.shape.assign(now.tensor.sizes().begin(), now.tensor.sizes().end());
        values = now.tensor.detach().reshape({-1}).to(torch::kDouble).contiguous();
    } else {
        return d;  // None: no values
    }
    d.numel = values.numel();
    const std::int64_t shown = std::min<std::int64_t>(d.numel, TensorDetail::kMaxValues);
    const double* v = values.data_ptr<double>();
    d.values.assign(v, v + shown);
    if (compare && before && !now.count && before->tensor.defined() &&
        before->tensor.sizes() == now.tensor.sizes()) {
        const torch::Tensor b = before->tensor.reshape({-1}).to(torch::kDouble).contiguous();
        const double* w = b.data_ptr<double>();
        d.changed.resize(std::size_t(shown));
        for (std::int64_t i = 0; i < shown; ++i)
            d.changed[std::size_t(i)] = !(v[i] == w[i] || (std::isnan(v[i]) && std::isnan(w[i])));
    }
    // The histogram over every finite element.
    bool any = false;
    for (std::int64_t i = 0; i < d.numel; ++i) {
        if (!std::isfinite(v[i])) {
            ++d.non_finite;
            continue;
        }
        d.min = any ? std::min(d.min, v[i]) : v[i];
        d.max = any ? std::max(d.max, v[i]) : v[i];
        any = true;
    }
    d.histogram.assign(TensorDetail::kHistogramBins, 0);
    if (any) {
        const double width = (d.max - d.min) / TensorDetail::kHistogramBins;
        for (std::int64_t i = 0; i < d.numel; ++i) {
            if (!std::isfinite(v[i])) continue;
            int bin = width > 0 ? int((v[i] - d.min) / width) : 0;
            bin = std::clamp(bin, 0, TensorDetail::kHistogramBins - 1);
            ++d.histogram[std::size_t(bin)];
        }
    }
    // A 2-D tensor's heat map: itself, or block means when it is larger than the map.
    if (d.shape.size() == 2 && d.numel > 0) {
        const std::int64_t rows = d.shape[0], cols = d.shape[1];
        d.heat_rows = int(std::min<std::int64_t>(rows, TensorDetail::kMaxHeatCells));
        d.heat_cols = int(std::min<std::int64_t>(cols, TensorDetail::kMaxHeatCells));
        torch::Tensor grid = values.reshape({1, 1, rows, cols});
        if (rows > d.heat_rows || cols > d.heat_cols)
            grid = torch::adaptive_avg_pool2d(grid, {d.heat_rows, d.heat_cols});
        grid = grid.reshape({-1}).contiguous();
        d.heat.assign(grid.data_ptr<double>(), grid.data_ptr<double>() + grid.numel());
    }
    return d;
}

TensorReport TensorInspector::report(Trainer& trainer, std::uint64_t boundary) const {
    torch::NoGradGuard no_grad;
    TensorReport r;
    const bool compare = !kept_.empty() && boundary > kept_boundary_;
    if (compare) {
        r.boundaries = boundary - kept_boundary_;
        r.since = kept_stage_;
        r.since_epoch = kept_epoch_;
        r.since_batch_idx = kept_batch_idx_;
    }
    // The kept copies by name, each looked up once (LBFGS's history makes hundreds of items).
    std::unordered_map<std::string, const Item*> kept;
    for (const Item& item : kept_) kept.emplace(item.name, &item);
    for (const Item& item : collect(trainer)) {
        const auto it = kept.find(item.name);
        const Item* before = it == kept.end() ? nullptr : it->second;
        if (before) kept.erase(it);
        r.tensors.push_back(summarize(item, before, compare));
        if (item.name == watching_.tensor) r.detail = detail(item, before, compare);
    }
    // What went away since, in the order it was kept (a grad set to None is still listed: its
    // parameter is).
    if (compare) {
        for (const Item& old : kept_) {
            if (!kept.count(old.name)) continue;
            TensorSummary s;
            s.name = old.name;
            s.parameter = old.parameter;
            s.role = old.role;
            s.defined = false;
            s.change = TensorChange::removed;
            r.tensors.push_back(std::move(s));
        }
    }
    return r;
}

}  // namespace stepwise
