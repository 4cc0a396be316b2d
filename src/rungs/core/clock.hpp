#pragma once
// Time enters the core only through a Clock, so the simulator's virtual time
// and tests' manual time drive the same code as the wall clock.
#include <chrono>

namespace rungs::core {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual double now_seconds() const = 0;  // seconds since an arbitrary origin
};

class SteadyClock : public Clock {
 public:
  double now_seconds() const override {
    using namespace std::chrono;
    return duration<double>(steady_clock::now().time_since_epoch()).count();
  }
};

class ManualClock : public Clock {
 public:
  double now_seconds() const override { return now_; }
  void advance(double seconds) { now_ += seconds; }
  void set(double seconds) { now_ = seconds; }

 private:
  double now_ = 0.0;
};

// The clock of a sweep that may be resumed: while a journal is replayed it
// reads the times set from the journal's events; once live, it continues
// from the last of them on the base clock. So a sweep's time limit counts
// the time of every run of it, not only the current one.
class ResumableClock : public Clock {
 public:
  explicit ResumableClock(const Clock& base) : base_(base) {}
  double now_seconds() const override {
    return live_ ? offset_ + base_.now_seconds() - base_start_ : replay_time_;
  }
  void set_replay_time(double t) { replay_time_ = t; }
  void go_live() {
    offset_ = replay_time_;
    base_start_ = base_.now_seconds();
    live_ = true;
  }

 private:
  const Clock& base_;
  bool live_ = false;
  double replay_time_ = 0.0;
  double offset_ = 0.0;
  double base_start_ = 0.0;
};

}  // namespace rungs::core
