#pragma once
// Lightning's once-per-process warnings (spec R-6): Lightning keeps them as a class attribute of
// Closure, a cache keyed by the message's text. Thread-safe; a run can count its own apart
// (Private), which a parity meter's shadow run does.

#include <set>
#include <string>

namespace stepwise::warning_cache {

/// True the first time a message is seen in this process (then it is to be emitted), else false.
bool warn_once(const std::string& message);
/// Forget every message (Lightning's own tests call Closure.warning_cache.clear()).
void clear();
/// The messages seen so far, and putting them back (a rewind restores the cache as it was).
std::set<std::string> contents();
void restore(std::set<std::string> seen);

/// While one lives, this thread's runs use a cache of their own (SessionOptions::private_warnings).
class Private {
  public:
    Private();
    ~Private();
    Private(const Private&) = delete;
    Private& operator=(const Private&) = delete;

  private:
    std::set<std::string> seen_;
    std::set<std::string>* outer_;
};

}  // namespace stepwise::warning_cache
