#include "stepwise/warning_cache.h"

#include <mutex>

namespace stepwise::warning_cache {

namespace {
// Lightning keeps this cache as a class attribute of Closure: one per process (spec R-6).
std::mutex& cache_mutex() {
    static std::mutex mutex;
    return mutex;
}
/// A Private on this thread: its own set, used instead of the process's (no lock: one thread).
thread_local std::set<std::string>* t_private = nullptr;
std::set<std::string>& cache() {
    static std::set<std::string> seen;
    return t_private ? *t_private : seen;
}
}  // namespace

Private::Private() : outer_(t_private) {
    t_private = &seen_;
}
Private::~Private() {
    t_private = outer_;
}

bool warn_once(const std::string& message) {
    std::lock_guard<std::mutex> lock(cache_mutex());
    return cache().insert(message).second;
}

void clear() {
    std::lock_guard<std::mutex> lock(cache_mutex());
    cache().clear();
}

std::set<std::string> contents() {
    std::lock_guard<std::mutex> lock(cache_mutex());
    return cache();
}

void restore(std::set<std::string> seen) {
    std::lock_guard<std::mutex> lock(cache_mutex());
    cache() = std::move(seen);
}

}  // namespace stepwise::warning_cache
