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

}  // namespace rungs::core
