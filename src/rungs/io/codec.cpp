#include "rungs/io/codec.hpp"

#include <cstring>
#include <limits>
#include <stdexcept>

namespace rungs::io {

void ByteWriter::u32(std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out_.push_back(static_cast<unsigned char>(v >> (8 * i)));
}

void ByteWriter::u64(std::uint64_t v) {
  for (int i = 0; i < 8; ++i) out_.push_back(static_cast<unsigned char>(v >> (8 * i)));
}

void ByteWriter::f64(double v) {
  std::uint64_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  u64(bits);
}

void ByteWriter::count(std::size_t n) {
  if (n > 0xFFFFFFFFu) throw std::length_error("a list or string over 4 GiB");
  u32(static_cast<std::uint32_t>(n));
}

void ByteWriter::str(const std::string& s) {
  count(s.size());
  out_.insert(out_.end(), s.begin(), s.end());
}

void ByteReader::need(std::size_t n) const {
  if (n > size_ - pos_) throw std::runtime_error("the message ends early");
}

std::uint8_t ByteReader::u8() {
  need(1);
  return data_[pos_++];
}

std::uint32_t ByteReader::u32() {
  need(4);
  std::uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= std::uint32_t{data_[pos_++]} << (8 * i);
  return v;
}

std::uint64_t ByteReader::u64() {
  need(8);
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= std::uint64_t{data_[pos_++]} << (8 * i);
  return v;
}

double ByteReader::f64() {
  const std::uint64_t bits = u64();
  double v;
  std::memcpy(&v, &bits, sizeof v);
  return v;
}

bool ByteReader::flag() {
  const std::uint8_t v = u8();
  if (v > 1) throw std::runtime_error("a boolean is " + std::to_string(v));
  return v == 1;
}

std::uint32_t ByteReader::count(std::size_t min_item_bytes) {
  const std::uint32_t n = u32();
  if (std::uint64_t{n} * min_item_bytes > size_ - pos_) {
    throw std::runtime_error("a count of " + std::to_string(n) + " exceeds the message");
  }
  return n;
}

std::string ByteReader::str() {
  const std::uint32_t n = count(1);
  std::string s(reinterpret_cast<const char*>(data_ + pos_), n);
  pos_ += n;
  return s;
}

void ByteReader::expect_end() const {
  if (pos_ != size_) throw std::runtime_error("trailing bytes after the message");
}

namespace {
enum ValueTag : std::uint8_t { kDoubleTag = 0, kIntTag = 1, kStringTag = 2 };
}

void put_params(ByteWriter& w, const core::ParamSet& params) {
  w.count(params.items().size());
  for (const auto& [name, value] : params.items()) {
    w.str(name);
    if (const auto* d = std::get_if<double>(&value)) {
      w.u8(kDoubleTag);
      w.f64(*d);
    } else if (const auto* i = std::get_if<std::int64_t>(&value)) {
      w.u8(kIntTag);
      w.i64(*i);
    } else {
      w.u8(kStringTag);
      w.str(std::get<std::string>(value));
    }
  }
}

core::ParamSet get_params(ByteReader& r) {
  core::ParamSet params;
  const std::uint32_t n = r.count(6);  // name length, tag, at least one value byte
  for (std::uint32_t i = 0; i < n; ++i) {
    std::string name = r.str();
    switch (r.u8()) {
      case kDoubleTag: params.set(name, r.f64()); break;
      case kIntTag: params.set(name, r.i64()); break;
      case kStringTag: params.set(name, r.str()); break;
      default: throw std::runtime_error("parameter '" + name + "' has an unknown value tag");
    }
  }
  return params;
}

void put_job(ByteWriter& w, const core::Job& j) {
  w.i64(j.trial.value);
  w.i32(j.rung);
  w.i64(j.from_resource);
  w.i64(j.to_resource);
  w.u64(j.seed);
  w.i32(j.bracket);
  w.count(j.decision_steps.size());
  for (std::int64_t step : j.decision_steps) w.i64(step);
  put_params(w, j.params);
}

core::Job get_job(ByteReader& r) {
  core::Job j;
  j.trial.value = r.i64();
  j.rung = r.i32();
  j.from_resource = r.i64();
  j.to_resource = r.i64();
  j.seed = r.u64();
  j.bracket = r.i32();
  const std::uint32_t steps = r.count(8);
  for (std::uint32_t i = 0; i < steps; ++i) j.decision_steps.push_back(r.i64());
  j.params = get_params(r);
  return j;
}

void put_report(ByteWriter& w, const core::CurvePoint& p) {
  w.i64(p.trial.value);
  w.i64(p.step);
  w.count(p.values.size());
  for (double v : p.values) w.f64(v);
  w.f64(p.seconds);
}

core::CurvePoint get_report(ByteReader& r) {
  core::CurvePoint p;
  p.trial.value = r.i64();
  p.step = r.i64();
  p.metric = std::numeric_limits<double>::quiet_NaN();
  const std::uint32_t n = r.count(8);
  p.values.reserve(n);
  for (std::uint32_t i = 0; i < n; ++i) p.values.push_back(r.f64());
  p.seconds = r.f64();
  return p;
}

}  // namespace rungs::io
