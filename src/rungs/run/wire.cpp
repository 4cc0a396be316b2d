#include "rungs/run/wire.hpp"

#include "rungs/io/codec.hpp"

#include <cstring>
#include <stdexcept>
#include <type_traits>

namespace rungs::run {
namespace {

// All ranks of a job run the same binary on the same architecture, so plain
// native-endian copies suffice.
class Writer {
 public:
  template <typename T>
  void put(const T& v) {
    static_assert(std::is_trivially_copyable_v<T>);
    const char* p = reinterpret_cast<const char*>(&v);
    out_.insert(out_.end(), p, p + sizeof(T));
  }
  void put_string(const std::string& s) {
    put<std::uint32_t>(static_cast<std::uint32_t>(s.size()));
    out_.insert(out_.end(), s.begin(), s.end());
  }
  Bytes take() { return std::move(out_); }

 private:
  Bytes out_;
};

class Reader {
 public:
  explicit Reader(const Bytes& in) : in_(in) {}
  template <typename T>
  T get() {
    need(sizeof(T));
    T v;
    std::memcpy(&v, in_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return v;
  }
  std::string get_string() {
    const auto n = get<std::uint32_t>();
    need(n);
    std::string s(in_.data() + pos_, n);
    pos_ += n;
    return s;
  }
  void expect_end() const {
    if (pos_ != in_.size()) throw std::runtime_error("wire: trailing bytes in message");
  }

 private:
  void need(std::size_t n) const {
    if (pos_ + n > in_.size()) throw std::runtime_error("wire: truncated message");
  }
  const Bytes& in_;
  std::size_t pos_ = 0;
};

}  // namespace

// Jobs and step reports in the journal's encoding (io/codec.hpp): one codec
// for every field, wherever a job or a report goes.
Bytes encode(const core::Job& job) {
  std::vector<unsigned char> out;
  io::ByteWriter w(out);
  io::put_job(w, job);
  return Bytes(out.begin(), out.end());
}

core::Job decode_job(const Bytes& bytes) {
  io::ByteReader r(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  try {
    core::Job job = io::get_job(r);
    r.expect_end();
    return job;
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(std::string("wire: job: ") + e.what());
  }
}

Bytes encode(const StepMessage& s) {
  std::vector<unsigned char> out;
  io::ByteWriter w(out);
  io::put_report(w, s.point);
  w.flag(s.wants_verdict);
  return Bytes(out.begin(), out.end());
}

StepMessage decode_step(const Bytes& bytes) {
  io::ByteReader r(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  try {
    StepMessage s;
    s.point = io::get_report(r);
    s.wants_verdict = r.flag();
    r.expect_end();
    return s;
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(std::string("wire: step: ") + e.what());
  }
}

Bytes encode(const JobEndMessage& e) {
  Writer w;
  w.put(e.trial.value);
  w.put<std::uint8_t>(e.ok ? 1 : 0);
  w.put_string(e.error);
  w.put(e.interrupted_at);
  return w.take();
}

JobEndMessage decode_job_end(const Bytes& bytes) {
  Reader r(bytes);
  JobEndMessage e;
  e.trial.value = r.get<std::int64_t>();
  e.ok = r.get<std::uint8_t>() != 0;
  e.error = r.get_string();
  e.interrupted_at = r.get<std::int64_t>();
  r.expect_end();
  return e;
}

Bytes encode_stop(core::TrialId trial) {
  Writer w;
  w.put(trial.value);
  return w.take();
}

Bytes encode(const VerdictMessage& v) {
  Writer w;
  w.put(v.trial.value);
  w.put<std::uint8_t>(v.stop ? 1 : 0);
  return w.take();
}

VerdictMessage decode_verdict(const Bytes& bytes) {
  Reader r(bytes);
  VerdictMessage v;
  v.trial.value = r.get<std::int64_t>();
  v.stop = r.get<std::uint8_t>() != 0;
  r.expect_end();
  return v;
}

core::TrialId decode_stop(const Bytes& bytes) {
  Reader r(bytes);
  core::TrialId t{r.get<std::int64_t>()};
  r.expect_end();
  return t;
}

Bytes encode_text(const std::string& text) {
  Writer w;
  w.put_string(text);
  return w.take();
}

std::string decode_text(const Bytes& bytes) {
  Reader r(bytes);
  std::string text = r.get_string();
  r.expect_end();
  return text;
}

}  // namespace rungs::run
