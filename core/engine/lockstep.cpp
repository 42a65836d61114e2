#include "lockstep.h"

#include <chrono>
#include <cmath>
#include <thread>

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
    std::unique_lock<std::mutex> lock(mutex_);
    Side& me = sides_[side];
    Side& other = sides_[1 - side];
    me.samples = samples;
    me.distance.reset();
    if (other.parameters && other.samples == samples) {
        // The other run waits here already: its parameters hold still while they are read.
        me.distance = distance(parameters, *other.parameters);
        other.distance = me.distance;
    }
    me.parameters = &parameters;
    lock.unlock();
    changed_.notify_all();
    lock.lock();
    // At full speed the other run is usually a fraction of a batch behind: yield for a moment
    // before sleeping, since waking a sleeping thread costs more than the wait itself.
    const auto spin_until = std::chrono::steady_clock::now() + std::chrono::microseconds(200);
    while (!other.ended && other.samples < samples &&
           std::chrono::steady_clock::now() < spin_until) {
        lock.unlock();
        std::this_thread::yield();
        lock.lock();
    }
    while (!other.ended && other.samples < samples && !(interrupted && interrupted())) {
        if (!me.waiting && waiting) waiting(true);
        me.waiting = true;
        changed_.wait_for(lock, std::chrono::milliseconds(20));
    }
    if (me.waiting && waiting) waiting(false);
    me.waiting = false;
    me.parameters = nullptr;
    return me.distance;
}

bool Lockstep::waiting(int side) {
    const std::lock_guard<std::mutex> lock(mutex_);
    return sides_[side].waiting;
}

void Lockstep::rewound(int side) {
    {
        const std::lock_guard<std::mutex> lock(mutex_);
        sides_[side].samples = -1;
        sides_[side].parameters = nullptr;
    }
    changed_.notify_all();
}

void Lockstep::leave(int side) {
    {
        const std::lock_guard<std::mutex> lock(mutex_);
        sides_[side].ended = true;
        sides_[side].parameters = nullptr;
    }
    changed_.notify_all();
}

}  // namespace stepwise
