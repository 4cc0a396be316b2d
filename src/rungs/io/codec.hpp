#pragma once
// The one byte encoding of what travels between a sweep's parts: a job
// (rank 0 to a worker, and into the journal) and a step report (a worker to
// rank 0, and into the journal). The wire (mpi/wire.hpp) and the journal
// (io/journal.hpp) both use it, so a field added to core::Job or
// core::CurvePoint is added here once and reaches both.
//
//   std::vector<unsigned char> bytes;
//   ByteWriter w(bytes);
//   put_job(w, job);
//   ByteReader r(bytes.data(), bytes.size());
//   core::Job back = get_job(r);           // back == job
//   r.expect_end();
//
// Integers are little-endian whatever the host, so journals move between
// machines; doubles are their IEEE-754 bits as a u64; strings and lists are a
// u32 count, then the items.
//
//   job     trial (i64), rung (i32), from, to (i64), seed (u64), bracket
//           (i32), decision_steps (u32 count, i64 each), params (u32 count;
//           name, tag u8 0 double / 1 int / 2 string, value)
//   report  trial (i64), step (i64), values (u32 count, f64 each), seconds
//           (f64). The objective's value (CurvePoint::metric) is not sent:
//           the sweep driver takes it from the values.
#include <cstdint>
#include <string>
#include <vector>

#include "rungs/core/scheduler.hpp"
#include "rungs/core/trial.hpp"

namespace rungs::io {

// Appends fixed-width little-endian values to a byte vector.
class ByteWriter {
 public:
  explicit ByteWriter(std::vector<unsigned char>& out) : out_(out) {}
  void u8(std::uint8_t v) { out_.push_back(v); }
  void u32(std::uint32_t v);
  void u64(std::uint64_t v);
  void i32(std::int32_t v) { u32(static_cast<std::uint32_t>(v)); }
  void i64(std::int64_t v) { u64(static_cast<std::uint64_t>(v)); }
  void f64(double v);
  void flag(bool v) { u8(v ? 1 : 0); }
  // A list's or string's length; std::length_error over 4 GiB.
  void count(std::size_t n);
  void str(const std::string& s);

 private:
  std::vector<unsigned char>& out_;
};

// Reads what ByteWriter wrote. Every read is bounds-checked, so a damaged
// count or length can neither read past the buffer nor allocate more than
// the buffer holds; each failure throws std::runtime_error.
class ByteReader {
 public:
  ByteReader(const unsigned char* data, std::size_t size) : data_(data), size_(size) {}
  std::uint8_t u8();
  std::uint32_t u32();
  std::uint64_t u64();
  std::int32_t i32() { return static_cast<std::int32_t>(u32()); }
  std::int64_t i64() { return static_cast<std::int64_t>(u64()); }
  double f64();
  bool flag();  // a u8 that must be 0 or 1
  // A count of items that take at least `min_item_bytes` each.
  std::uint32_t count(std::size_t min_item_bytes);
  std::string str();
  void expect_end() const;

 private:
  void need(std::size_t n) const;
  const unsigned char* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

void put_params(ByteWriter& w, const core::ParamSet& params);
core::ParamSet get_params(ByteReader& r);

void put_job(ByteWriter& w, const core::Job& job);
core::Job get_job(ByteReader& r);

// A step report: everything of a CurvePoint but `metric` (read back as NaN).
void put_report(ByteWriter& w, const core::CurvePoint& point);
core::CurvePoint get_report(ByteReader& r);

}  // namespace rungs::io
