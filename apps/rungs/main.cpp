// rungs: the offline tool. Reads and writes files only (no MPI, no LibTorch),
// so it runs on a login node or a laptop.
#include <boost/program_options.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "rungs/analysis/simulate_command.hpp"
#include "rungs/analysis/export.hpp"
#include "rungs/analysis/merge.hpp"
#include "rungs/analysis/summary.hpp"
#include "rungs/analysis/sweep_loader.hpp"
#include "rungs/core/error.hpp"
#include "rungs/io/archive.hpp"
#include "rungs/io/data_import.hpp"
#include "rungs/io/dataset.hpp"
#include "rungs/version.hpp"

namespace po = boost::program_options;

namespace {

constexpr const char* kUsage =
    "usage: rungs <command> [options]\n"
    "\n"
    "commands:\n"
    "  summary ARCHIVE      trials by status, rung populations, best configuration\n"
    "  export ARCHIVE       a table (trials, curves, decisions) as CSV\n"
    "  merge A B [...] -o OUT\n"
    "                       join archives of one sweep into one (trials renumbered)\n"
    "  data synth --out F   write a deterministic synthetic data set (classification,\n"
    "                       regression, images, sinusoids)\n"
    "  data import --out F  NumPy .npy arrays or a CSV table into rungs' layout\n"
    "  data info FILE       shapes, types, class balance and NaN counts of a data set\n"
    "  simulate --config F --workers N --archive OUT\n"
    "                       run a sweep on N virtual workers in virtual time (synthetic\n"
    "                       learning curves) and write its archive\n"
    "  version              print the version\n"
    "\n"
    "Run 'rungs <command> --help' for a command's options.\n";

constexpr const char* kDataUsage =
    "usage: rungs data <subcommand> [options]\n"
    "\n"
    "subcommands:\n"
    "  synth --out F        write a deterministic synthetic data set (--kind classification,\n"
    "                       regression, images or sinusoids)\n"
    "  import --out F       NumPy .npy arrays (--x, --y) or a CSV table (--csv, --target)\n"
    "                       into rungs' layout, checked as a sweep would\n"
    "  info FILE            shapes, types, class balance and NaN counts of a data set\n"
    "\n"
    "Run 'rungs data synth --help' for its options.\n";

// Parses `args` against `options`; true when --help was asked (and printed).
bool parse(const std::vector<std::string>& args, const po::options_description& options,
           const po::positional_options_description& positional, po::variables_map& vm,
           const std::string& usage) {
  po::store(po::command_line_parser(args).options(options).positional(positional).run(), vm);
  if (vm.count("help")) {
    std::cout << usage << "\n" << options << "\n";
    return true;
  }
  po::notify(vm);
  return false;
}

int run_summary(const std::vector<std::string>& args) {
  po::options_description options("summary options");
  options.add_options()("help,h", "show this help")(
      "archive", po::value<std::string>()->required(), "the experiment archive (.h5)")(
      "top", po::value<std::size_t>()->default_value(5), "how many top trials to list");
  po::positional_options_description positional;
  positional.add("archive", 1);
  po::variables_map vm;
  if (parse(args, options, positional, vm, "usage: rungs summary ARCHIVE [--top N]")) return 0;
  const auto loaded = rungs::analysis::load_sweep(vm["archive"].as<std::string>());
  if (loaded.from_journal) {
    std::cout << "(unfinished sweep: brought up to date from its journal, " << loaded.journal_events
              << " events)\n";
  }
  std::cout << rungs::analysis::format_summary(loaded.record, vm["top"].as<std::size_t>());
  return 0;
}

int run_export(const std::vector<std::string>& args) {
  po::options_description options("export options");
  options.add_options()("help,h", "show this help")(
      "archive", po::value<std::string>()->required(), "the experiment archive (.h5)")(
      "table,t", po::value<std::string>()->default_value("trials"),
      "trials, curves or decisions")("out,o", po::value<std::string>(),
                                     "write to this file instead of standard output");
  po::positional_options_description positional;
  positional.add("archive", 1);
  po::variables_map vm;
  if (parse(args, options, positional, vm,
            "usage: rungs export ARCHIVE [--table trials|curves|decisions] [-o FILE.csv]")) {
    return 0;
  }
  const auto loaded = rungs::analysis::load_sweep(vm["archive"].as<std::string>());
  const std::string table = vm["table"].as<std::string>();
  if (!vm.count("out")) {
    rungs::analysis::export_csv(loaded.record, table, std::cout);
    return 0;
  }
  const std::string path = vm["out"].as<std::string>();
  std::ofstream file(path);
  if (!file) throw rungs::core::InputError(path, "cannot create the file", "check the directory");
  rungs::analysis::export_csv(loaded.record, table, file);
  return 0;
}

// Maps a name option to its enum, or throws a po::error naming the choices.
template <typename T>
T parse_choice(const std::string& option, const std::string& value,
               std::optional<T> (*parse)(const std::string&), const char* choices) {
  if (auto v = parse(value)) return *v;
  throw po::error("--" + option + " " + value + ": expected one of " + choices);
}

std::optional<rungs::io::SynthKind> parse_synth_kind(const std::string& name) {
  for (rungs::io::SynthKind k : rungs::io::all_synth_kinds()) {
    if (name == rungs::io::to_string(k)) return k;
  }
  return std::nullopt;
}

int run_data_synth(const std::vector<std::string>& args) {
  rungs::io::SynthOptions o;
  std::string kind = "classification";
  po::options_description options("data synth options");
  options.add_options()("help,h", "show this help")(
      "out,o", po::value<std::string>()->required(), "output HDF5 file")(
      "kind", po::value(&kind)->default_value(kind),
      "classification, regression, images or sinusoids")(
      "train-rows", po::value(&o.train_rows)->default_value(o.train_rows), "samples in /train")(
      "val-rows", po::value(&o.val_rows)->default_value(o.val_rows), "samples in /val")(
      "features", po::value(&o.features)->default_value(o.features),
      "values per sample (classification, regression)")(
      "classes", po::value(&o.classes)->default_value(o.classes),
      "number of classes (classification, images)")(
      "size", po::value(&o.size)->default_value(o.size), "image height and width (images)")(
      "steps", po::value(&o.steps)->default_value(o.steps), "steps per sequence (sinusoids)")(
      "components", po::value(&o.components)->default_value(o.components),
      "sines per sequence; y is the first (sinusoids)")(
      "noise", po::value(&o.noise)->default_value(o.noise), "noise around the clean signal")(
      "seed", po::value(&o.seed)->default_value(o.seed), "generator seed")(
      "force", "overwrite an existing file");
  po::positional_options_description positional;
  po::variables_map vm;
  if (parse(args, options, positional, vm,
            "usage: rungs data synth --out FILE [--kind KIND] [options]\n\n"
            "Writes /train and /val groups of x and y in the layout of docs/data.md:\n"
            "  classification  x (N, features) float32, y (N) int64 classes\n"
            "  regression      x (N, features) float32, y (N) float32 targets\n"
            "  images          x (N, 1, size, size) float32 bars at one of `classes` angles, y (N) int64\n"
            "  sinusoids       x (N, steps, 1) noisy sums of sines, y (N, steps) the first sine, clean")) {
    return 0;
  }
  o.kind = parse_choice<rungs::io::SynthKind>("kind", kind, parse_synth_kind,
                                              "classification, regression, images, sinusoids");
  const std::string out = vm["out"].as<std::string>();
  const rungs::io::Dataset data = rungs::io::synthesize_dataset(o);
  rungs::io::write_dataset(out, data, vm.count("force") > 0);
  std::string shape;
  for (std::int64_t d : data.train.sample_shape) shape += (shape.empty() ? "" : " x ") + std::to_string(d);
  std::printf("wrote %s: %s, %lld train + %lld val samples of %s (task %s, seed %llu)\n",
              out.c_str(), kind.c_str(), static_cast<long long>(o.train_rows),
              static_cast<long long>(o.val_rows), shape.c_str(),
              rungs::core::to_string(data.task), static_cast<unsigned long long>(o.seed));
  return 0;
}

int run_data_import(const std::vector<std::string>& args) {
  rungs::io::ImportRequest q;
  std::string task = "classification";
  po::options_description options("data import options");
  options.add_options()("help,h", "show this help")(
      "out,o", po::value<std::string>()->required(), "output HDF5 file")(
      "task", po::value(&task)->default_value(task),
      "classification, regression or sequence_regression")(
      "x", po::value(&q.x), "NumPy .npy of the training samples (N, ...)")(
      "y", po::value(&q.y), "NumPy .npy of their labels or targets (N, ...)")(
      "val-x", po::value(&q.val_x), "NumPy .npy of the validation samples")(
      "val-y", po::value(&q.val_y), "NumPy .npy of their labels or targets")(
      "csv", po::value(&q.csv), "CSV with a header row: the training samples")(
      "val-csv", po::value(&q.val_csv), "CSV of the validation samples, same columns")(
      "target", po::value(&q.target), "the CSV column that is y; the others are features")(
      "val-fraction", po::value(&q.val_fraction)->default_value(q.val_fraction),
      "without validation files: the share of the rows (seeded shuffle) held out")(
      "seed", po::value(&q.seed)->default_value(q.seed), "the shuffle's seed")(
      "force", "overwrite an existing file");
  po::positional_options_description positional;
  po::variables_map vm;
  if (parse(args, options, positional, vm,
            "usage: rungs data import --out FILE (--x X.npy --y Y.npy | --csv F --target COL) "
            "[options]\n\n"
            "Writes NumPy arrays or a CSV table in rungs' layout (docs/data.md), then checks it\n"
            "as a sweep would; a file that fails the checks is removed.")) {
    return 0;
  }
  q.task = parse_choice<rungs::core::Task>("task", task, rungs::core::parse_task,
                                           "classification, regression, sequence_regression");
  const std::string out = vm["out"].as<std::string>();
  const rungs::io::Dataset data = rungs::io::import_dataset(q);
  if (std::filesystem::exists(out) && !vm.count("force")) {
    throw rungs::core::InputError(out, "already exists", "choose another path, or pass --force");
  }
  // Written beside `out` and checked as a sweep would check it; only a file
  // that passes replaces `out`, so a failed import loses nothing.
  const std::string staged = out + ".import-check.h5";
  rungs::io::write_dataset(staged, data, true);
  rungs::core::DataSpec spec;
  spec.path = staged;
  spec.task = q.task;
  try {
    rungs::io::read_dataset(spec);  // every check a sweep makes
  } catch (const rungs::core::InputError& e) {
    std::filesystem::remove(staged);
    throw rungs::core::InputError(out, e.problem(), e.fix());
  }
  std::filesystem::rename(staged, out);
  std::printf("wrote %s: %lld train + %lld val samples (task %s)\n", out.c_str(),
              static_cast<long long>(data.train.rows), static_cast<long long>(data.val.rows),
              task.c_str());
  return 0;
}

int run_data_info(const std::vector<std::string>& args) {
  po::options_description options("data info options");
  options.add_options()("help,h", "show this help")(
      "file", po::value<std::string>()->required(), "the HDF5 data set");
  po::positional_options_description positional;
  positional.add("file", 1);
  po::variables_map vm;
  if (parse(args, options, positional, vm,
            "usage: rungs data info FILE\n\n"
            "Prints each group's x and y (shape, type), the class balance of integer labels, "
            "and the mean, spread and NaN/Inf counts of every numeric array.")) {
    return 0;
  }
  std::cout << rungs::io::describe_data_file(vm["file"].as<std::string>());
  return 0;
}


std::string join_args(const std::vector<std::string>& args) {
  std::string s = "rungs simulate";
  for (const auto& a : args) s += " " + a;
  return s;
}

int run_simulate(const std::vector<std::string>& args) {
  rungs::analysis::SimulateRequest q;
  rungs::core::SimulationOptions& o = q.options;
  std::string curves = "power", durations = "constant", objective = "generic";
  po::options_description options("simulate options");
  options.add_options()("help,h", "show this help")(
      "config", po::value(&q.config_path)->required(), "the sweep's YAML file")(
      "workers", po::value(&o.workers)->required(), "virtual workers")(
      "archive", po::value(&q.archive_path)->required(), "the archive to write (.h5)")(
      "curves", po::value(&curves)->default_value(curves), "learning curves: power, exp, crossing")(
      "durations", po::value(&durations)->default_value(durations),
      "epoch times: constant, lognormal (one draw per trial) or lognormal-epochs (one draw "
      "per epoch)")(
      "epoch-seconds", po::value(&o.epoch_seconds)->default_value(o.epoch_seconds),
      "mean virtual seconds per epoch")(
      "sigma", po::value(&o.sigma)->default_value(o.sigma), "lognormal sigma of log(epoch time)")(
      "noise", po::value(&o.noise)->default_value(o.noise),
      "per-step noise, in units of the objective's spread")(
      "objective", po::value(&objective)->default_value(objective),
      "generic (any space), branin or hartmann6 (their own x1..x6 space)")(
      "seed", po::value(&o.seed)->default_value(o.seed), "seed of curves, times and noise")(
      "set", po::value(&q.overrides)->composing(), "override a config key: --set key=value")(
      "overwrite", "replace an archive of the same sweep");
  po::positional_options_description positional;
  po::variables_map vm;
  if (parse(args, options, positional, vm,
            "usage: rungs simulate --config FILE --workers N --archive OUT.h5 [options]\n\n"
            "Runs the sweep's scheduler and sampler on N virtual workers in virtual time;\n"
            "trials follow synthetic learning curves. Writes a normal archive.")) {
    return 0;
  }
  o.curves = parse_choice("curves", curves, rungs::core::parse_curve_family, "power, exp, crossing");
  o.durations = parse_choice("durations", durations, rungs::core::parse_duration_model,
                             "constant, lognormal, lognormal-epochs");
  o.objective = parse_choice("objective", objective, rungs::core::parse_objective_function,
                             "generic, branin, hartmann6");
  q.overwrite = vm.count("overwrite") > 0;
  q.command_line = join_args(args);
  const auto out = rungs::analysis::run_simulation(q);
  std::cout << rungs::analysis::format_simulation_report(out.report, o.workers)
            << "archive " << q.archive_path << "\n\n"
            << rungs::analysis::format_summary(out.record);
  return 0;
}

int run_merge(const std::vector<std::string>& args) {
  rungs::analysis::MergeRequest q;
  po::options_description options("merge options");
  options.add_options()("help,h", "show this help")(
      "inputs", po::value(&q.inputs)->multitoken()->required(), "the archives to merge, in order")(
      "output,o", po::value(&q.output)->required(), "the merged archive to write (.h5)")(
      "force", "merge different sweeps too, and replace an existing archive at OUT");
  po::positional_options_description positional;
  positional.add("inputs", -1);
  po::variables_map vm;
  if (parse(args, options, positional, vm,
            "usage: rungs merge A.h5 B.h5 [...] -o OUT.h5 [--force]\n\n"
            "Joins archives of one sweep; trials are renumbered in input order and\n"
            "/trials/source, /trials/source_trial_id say where each came from.")) {
    return 0;
  }
  q.force = vm.count("force") > 0;
  q.command_line = "rungs merge";
  for (const auto& a : args) q.command_line += " " + a;
  q.tool_version = rungs::kVersion;
  q.git_revision = rungs::kGitRevision;
  std::cout << rungs::analysis::format_merge_report(rungs::analysis::merge_archives(q));
  return 0;
}

int dispatch(const std::vector<std::string>& argv) {
  if (argv.empty() || argv[0] == "--help" || argv[0] == "-h" || argv[0] == "help") {
    std::cout << kUsage;
    return argv.empty() ? 2 : 0;
  }
  const std::string& command = argv[0];
  const std::vector<std::string> rest(argv.begin() + 1, argv.end());
  if (command == "summary") return run_summary(rest);
  if (command == "export") return run_export(rest);
  if (command == "simulate") return run_simulate(rest);
  if (command == "merge") return run_merge(rest);
  if (command == "version" || command == "--version") {
    std::printf("rungs %s (%s)\n", rungs::kVersion, rungs::kGitRevision);
    return 0;
  }
  if (command == "data") {
    if (!rest.empty() && rest[0] == "synth") {
      return run_data_synth(std::vector<std::string>(rest.begin() + 1, rest.end()));
    }
    if (!rest.empty() && rest[0] == "import") {
      return run_data_import(std::vector<std::string>(rest.begin() + 1, rest.end()));
    }
    if (!rest.empty() && rest[0] == "info") {
      return run_data_info(std::vector<std::string>(rest.begin() + 1, rest.end()));
    }
    if (!rest.empty() && (rest[0] == "--help" || rest[0] == "-h" || rest[0] == "help")) {
      std::cout << kDataUsage;
      return 0;
    }
    std::cerr << kDataUsage << "\n";
    if (rest.empty()) {
      std::cerr << "rungs: error: 'rungs data' needs a subcommand: synth, import or info\n";
    } else {
      std::cerr << "rungs: error: unknown data subcommand '" << rest[0]
                << "' (the subcommands are: synth, import, info)\n";
    }
    return 2;
  }
  std::cerr << "rungs: error: unknown command '" << command
            << "' (run 'rungs --help' for the commands)\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return dispatch(std::vector<std::string>(argv + 1, argv + argc));
  } catch (const rungs::core::InputError& e) {
    std::cerr << "rungs: error: " << e.what() << "\n";
  } catch (const po::error& e) {
    std::cerr << "rungs: error: " << e.what() << " (see --help)\n";
  } catch (const std::exception& e) {
    std::cerr << "rungs: error: " << e.what() << "\n";
  }
  return 1;
}
