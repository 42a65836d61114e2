#include <mutex>
#include <set>
#include <string>

#include "stepwise/session.h"

namespace stepwise::warning_cache {

namespace {
// Lightning keeps this cache as a class attribute of Closure: one per process (spec R-6).
std::mutex& cache_mutex() {
    static std::mutex mutex;
    return mutex;
}
std::set<std::string>& cache() {
    static std::set<std::string> seen;
    return seen;
}
}  // namespace

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
