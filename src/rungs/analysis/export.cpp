#include "rungs/analysis/export.hpp"

#include <cstdio>

#include "rungs/core/error.hpp"

namespace rungs::analysis {
namespace {

// Quotes a field when CSV needs it (comma, quote, newline).
std::string csv(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

std::string num(double v) { return core::format_double(v); }

// The last value of every metric follows the trial's fixed columns, then
// its parameters.
void trials(const core::SweepRecord& r, std::ostream& out) {
  const std::size_t metrics = r.metadata.metrics.size();
  out << "trial_id,status,rung,resource,bracket,metric,best_metric,seed,rank,host,device,"
         "start_time,end_time,train_seconds,error";
  for (const auto& m : r.metadata.metrics) out << ',' << csv(m.name);
  for (const auto& p : r.space) out << ',' << csv(p.name);
  out << '\n';
  for (const auto& t : r.trials) {
    out << t.id.value << ',' << core::to_string(t.status) << ',' << t.rung << ',' << t.resource
        << ',' << t.bracket << ',' << num(t.metric) << ',' << num(t.best_metric) << ',' << t.seed
        << ',' << t.rank << ',' << csv(t.host) << ',' << csv(t.device) << ',' << num(t.start_time)
        << ',' << num(t.end_time) << ',' << num(t.train_seconds) << ',' << csv(t.error);
    for (std::size_t k = 0; k < metrics; ++k) {
      out << ',' << (k < t.last_values.size() ? num(t.last_values[k]) : "");
    }
    for (const auto& p : r.space) {
      const core::ParamValue* v = t.params.find(p.name);
      out << ',' << (v ? csv(core::format_value(*v)) : "");
    }
    out << '\n';
  }
}

// One column per metric, between the objective and the seconds.
void curves(const core::SweepRecord& r, std::ostream& out) {
  out << "trial_id,step,metric";
  for (const auto& m : r.metadata.metrics) out << ',' << csv(m.name);
  out << ",seconds\n";
  for (const auto& p : r.curves) {
    out << p.trial.value << ',' << p.step << ',' << num(p.metric);
    for (double v : p.values) out << ',' << num(v);
    out << ',' << num(p.seconds) << '\n';
  }
}

void decisions(const core::SweepRecord& r, std::ostream& out) {
  out << "trial_id,rung,kind,time,metric,worker,reason\n";
  for (const auto& d : r.decisions) {
    out << d.trial.value << ',' << d.rung << ',' << core::to_string(d.kind) << ',' << num(d.time)
        << ',' << num(d.metric) << ',' << d.worker << ',' << csv(d.reason) << '\n';
  }
}

}  // namespace

void export_csv(const core::SweepRecord& record, const std::string& table, std::ostream& out) {
  if (table == "trials") return trials(record, out);
  if (table == "curves") return curves(record, out);
  if (table == "decisions") return decisions(record, out);
  throw core::InputError("--table " + table, "unknown table",
                         "choose trials, curves or decisions");
}

}  // namespace rungs::analysis
