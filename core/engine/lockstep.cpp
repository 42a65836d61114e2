#include "lockstep.h"

#include <chrono>
#include <cmath>

#include "cpu_relax.h"

namespace stepwise {

std::optional<double> Lockstep::distance(const std::vector<torch::Tensor>& a,
                                         const std::vector<torch::Tensor>& b) {
    if (a.size() != b.size()) return std::nullopt;
    const torch::NoGradGuard no_grad;
    double sum = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (!a[i].sizes().equals(b[i].sizes())) return std::nullopt;
        // float64 before subtracting: two float32 values that differ in the last bit still give a
        // non-zero square, so 0 means bit-identical. A plain loop over the common case (at every
        // batch of a run at full speed, a few tensor ops per parameter would cost more).
        const torch::Tensor& x = a[i];
        const torch::Tensor& y = b[i];
        if (x.device().is_cpu() && y.device().is_cpu() && x.is_contiguous() && y.is_contiguous() &&
            x.scalar_type() == y.scalar_type() &&
            (x.scalar_type() == torch::kFloat32 || x.scalar_type() == torch::kFloat64)) {
            const std::int64_t n = x.numel();
            if (x.scalar_type() == torch::kFloat32) {
                const float* p = x.data_ptr<float>();
                const float* q = y.data_ptr<float>();
                for (std::int64_t k = 0; k < n; ++k) {
                    const double d = double(p[k]) - double(q[k]);
                    sum += d * d;
                }
            } else {
                const double* p = x.data_ptr<double>();
                const double* q = y.data_ptr<double>();
                for (std::int64_t k = 0; k < n; ++k) {
                    const double d = p[k] - q[k];
                    sum += d * d;
                }
            }
            continue;
        }
        const auto d = x.to(torch::kFloat64) - y.to(torch::kFloat64);
        sum += d.square().sum().item<double>();
    }
    return std::sqrt(sum);
}

std::optional<double> Lockstep::arrive(int side, std::int64_t samples,
                                       const std::vector<torch::Tensor>& parameters,
                                       const std::function<bool()>& interrupted,
                                       const std::function<void(bool)>& waiting) {
    Side& me = sides_[side];
    Side& other = sides_[1 - side];
    {
        const std::lock_guard<std::mutex> lock(mutex_);
        me.distance.reset();
        const std::vector<torch::Tensor>* waiting_there = other.parameters.load();
        if (waiting_there && other.samples.load() == samples) {
            // The other run waits here already: its parameters hold still while they are read,
            // and it goes on only once it sees this run's samples, stored after the distance.
            me.distance = distance(parameters, *waiting_there);
            other.distance = me.distance;
        } else {
            me.parameters.store(&parameters);  // the other run pairs with it when it comes
        }
        me.samples.store(samples);
    }
    changed_.notify_all();
    if (!spin_until_reached(other, samples)) {
        std::unique_lock<std::mutex> lock(mutex_);
        while (!other.ended && other.samples.load() < samples && !(interrupted && interrupted())) {
            if (!me.waiting && waiting) waiting(true);
            me.waiting = true;
            changed_.wait_for(lock, std::chrono::milliseconds(20));
        }
        if (me.waiting && waiting) waiting(false);
        me.waiting = false;
    }
    // The other run wrote this arrival's distance before it stored the samples just seen.
    me.parameters.store(nullptr);
    return me.distance;
}

bool Lockstep::spin_until_reached(const Side& other, std::int64_t samples) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(200);
    for (int i = 1;; ++i) {
        if (other.ended.load() || other.samples.load() >= samples) return true;
        if (i % 64 == 0 && std::chrono::steady_clock::now() >= until) return false;
        cpu_relax();
    }
}

bool Lockstep::waiting(int side) {
    const std::lock_guard<std::mutex> lock(mutex_);
    return sides_[side].waiting;
}

void Lockstep::rewound(int side) {
    {
        const std::lock_guard<std::mutex> lock(mutex_);
        sides_[side].samples = -1;
        sides_[side].parameters.store(nullptr);
    }
    changed_.notify_all();
}

void Lockstep::leave(int side) {
    {
        const std::lock_guard<std::mutex> lock(mutex_);
        sides_[side].ended = true;
        sides_[side].parameters.store(nullptr);
    }
    changed_.notify_all();
}

}  // namespace stepwise
