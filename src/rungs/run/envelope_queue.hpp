#pragma once
// How threads of one process pass protocol messages (wire.hpp) without MPI:
// a mutex-and-condition-variable queue of envelopes.
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>

#include "rungs/run/wire.hpp"

namespace rungs::run {

// A message with the rank it came from or goes to.
struct Envelope {
  int rank = 0;
  Tag tag = Tag::kReady;
  Bytes payload;
};

class EnvelopeQueue {
 public:
  void push(Envelope e);
  // Everything queued now, without waiting.
  std::deque<Envelope> drain();
  // Waits up to `timeout` for something to arrive.
  void wait_for(std::chrono::microseconds timeout);
  // Waits until something arrives, then pops it.
  Envelope pop();
  // Removes every queued envelope for which `match` holds; true if any did.
  bool remove_if(const std::function<bool(const Envelope&)>& match);

 private:
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<Envelope> items_;
};

}  // namespace rungs::run
