#include "rungs/run/envelope_queue.hpp"

namespace rungs::run {

void EnvelopeQueue::push(Envelope e) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    items_.push_back(std::move(e));
  }
  ready_.notify_one();
}

std::deque<Envelope> EnvelopeQueue::drain() {
  std::lock_guard<std::mutex> lock(mutex_);
  std::deque<Envelope> out;
  out.swap(items_);
  return out;
}

void EnvelopeQueue::wait_for(std::chrono::microseconds timeout) {
  std::unique_lock<std::mutex> lock(mutex_);
  ready_.wait_for(lock, timeout, [this] { return !items_.empty(); });
}

Envelope EnvelopeQueue::pop() {
  std::unique_lock<std::mutex> lock(mutex_);
  ready_.wait(lock, [this] { return !items_.empty(); });
  Envelope e = std::move(items_.front());
  items_.pop_front();
  return e;
}

bool EnvelopeQueue::remove_if(const std::function<bool(const Envelope&)>& match) {
  std::lock_guard<std::mutex> lock(mutex_);
  bool any = false;
  for (auto it = items_.begin(); it != items_.end();) {
    if (match(*it)) {
      it = items_.erase(it);
      any = true;
    } else {
      ++it;
    }
  }
  return any;
}

}  // namespace rungs::run
