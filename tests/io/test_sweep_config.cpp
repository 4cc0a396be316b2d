#include "rungs/io/sweep_config.hpp"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "rungs/core/error.hpp"

namespace rungs::io {
namespace {

// Substring check that prints both strings when it fails.
::testing::AssertionResult has(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "'" << text << "' does not contain '" << part << "'";
}

// A valid config whose space starts at line 5; tests add params or sections.
const char kHead[] =
    "name: t\n"                // 1
    "data: {path: d.h5}\n"     // 2
    "sampler: {trials: 10}\n"  // 3
    "space:\n";                // 4
const char kLr[] = "  lr: {type: float, low: 0.001, high: 0.1}\n";  // 5 when right after kHead

std::string with_space(const std::string& params) { return kHead + params; }
std::string base() { return with_space(kLr); }

core::SweepSpec parse(const std::string& yaml, const std::vector<std::string>& overrides = {}) {
  return parse_sweep_config(yaml, "test.yaml", overrides);
}

core::InputError error_of(const std::string& yaml, const std::vector<std::string>& overrides = {}) {
  try {
    parse(yaml, overrides);
  } catch (const core::InputError& e) {
    return e;
  }
  ADD_FAILURE() << "no InputError for:\n" << yaml;
  return core::InputError("", "");
}

// Every field of a spec but yaml_text, so two specs can be compared as text.
std::string summary(const core::SweepSpec& s) {
  std::ostringstream o;
  o << s.name << '|' << s.seed << '|' << s.data.path << s.data.train << s.data.val << '|'
    << s.model.kind << '|' << s.objective.metric << static_cast<int>(s.objective.mode) << '|'
    << core::to_string(s.scheduler.kind) << core::to_string(s.scheduler.mode)
    << s.scheduler.asha.eta << ','
    << s.scheduler.asha.min_resource << ',' << s.scheduler.asha.max_resource << '|'
    << core::to_string(s.sampler.kind) << s.sampler.trials << '|' << s.limits.max_trials << ','
    << s.limits.max_seconds << '|' << s.checkpoint.dir << s.checkpoint.keep_stopped << '|'
    << s.output.progress_interval << ',' << s.output.archive_interval << '|' << s.training.threads
    << s.training.device;
  for (auto t : s.training.fail_trials) o << ',' << t;
  for (const auto& p : s.space.params()) {
    o << '|' << p.name << static_cast<int>(p.type) << ',' << p.low << ',' << p.high << ',' << p.log;
    for (auto c : p.int_choices) o << ',' << c;
    for (const auto& c : p.choices) o << ',' << c;
    for (auto w : p.weights) o << ',' << w;
    o << ",step" << p.step << ",grid" << p.grid_points;
    if (p.fixed) o << ",fixed=" << core::format_value(*p.fixed);
    for (const auto& c : p.when) {
      o << ",when " << c.parent;
      for (const auto& v : c.values) o << ':' << core::format_value(v);
    }
  }
  o << '|' << s.scheduler.brackets << ',' << s.scheduler.grace_period << ','
    << s.scheduler.min_samples << '|' << s.sampler.tpe.startup_trials << ','
    << s.sampler.tpe.gamma << ',' << s.sampler.tpe.candidates << ',' << s.sampler.tpe.multivariate
    << '|' << (s.limits.target ? *s.limits.target : -1.0);
  return o.str();
}

// --- The reference file -----------------------------------------------------

TEST(SweepConfigFile, ParsesReferenceConfig) {
  const auto s = load_sweep_config(RUNGS_SOURCE_DIR "/configs/reference.yaml");
  EXPECT_EQ(s.name, "digits-mlp");
  EXPECT_EQ(s.seed, 7u);
  EXPECT_EQ(s.data.path, "data/demo.h5");
  EXPECT_EQ(s.scheduler.asha.eta, 3);
  EXPECT_EQ(s.scheduler.asha.max_resource, 27);
  EXPECT_EQ(s.sampler.trials, 500);
  EXPECT_EQ(s.limits.max_trials, 2000);
  EXPECT_DOUBLE_EQ(s.limits.max_seconds, 7200.0);  // 2h = 2 * 3600 s
  ASSERT_EQ(s.space.params().size(), 7u);
  EXPECT_TRUE(s.space.find("lr")->log);
  EXPECT_EQ(s.space.find("momentum")->when.at(0).parent, "optimizer");
  EXPECT_EQ(s.space.find("batch_size")->step, 32);
  EXPECT_TRUE(s.space.find("dropout")->fixed.has_value());
  EXPECT_EQ(s.sampler.tpe.candidates, 24);
  ASSERT_TRUE(s.limits.target.has_value());
  EXPECT_DOUBLE_EQ(*s.limits.target, 0.99);
  EXPECT_EQ(s.space.find("hidden")->int_choices, (std::vector<std::int64_t>{32, 64, 128, 256}));
  EXPECT_EQ(s.space.find("optimizer")->weights, (std::vector<double>{2, 1, 1}));
  EXPECT_DOUBLE_EQ(s.output.archive_interval, 30.0);
}

TEST(SweepConfigFile, ParsesCommandReferenceConfig) {
  const auto s = load_sweep_config(RUNGS_SOURCE_DIR "/configs/reference-command.yaml");
  EXPECT_TRUE(s.model.is_command());
  EXPECT_EQ(s.model.command.argv.size(), 8u);
  EXPECT_EQ(s.model.command.grace, 10.0);
  EXPECT_EQ(s.objective.metric, "val_accuracy");
  EXPECT_EQ(s.data.path, "data/demo.h5");
}

TEST(SweepConfigFile, MissingFileIsNamed) {
  try {
    load_sweep_config("/no/such/dir/sweep.yaml");
    FAIL() << "no error";
  } catch (const core::InputError& e) {
    EXPECT_EQ(e.where(), "/no/such/dir/sweep.yaml");
    EXPECT_TRUE(has(e.problem(), "cannot open"));
  }
}

// --- Defaults -----------------------------------------------------------------

TEST(SweepConfigDefaults, OmittedKeysTakeDefaults) {
  const auto s = parse(base());
  EXPECT_EQ(s.seed, 0u);
  EXPECT_EQ(s.data.train, "/train");
  EXPECT_EQ(s.data.val, "/val");
  EXPECT_EQ(s.model.kind, "mlp");
  EXPECT_EQ(s.objective.metric, "val_accuracy");
  EXPECT_EQ(s.objective.mode, core::ObjectiveMode::kMax);
  EXPECT_EQ(s.scheduler.kind, core::SchedulerKind::kAsha);
  EXPECT_EQ(s.scheduler.mode, core::AshaMode::kPromotion);
  EXPECT_EQ(s.scheduler.asha.eta, 3);
  EXPECT_EQ(s.scheduler.asha.min_resource, 1);
  EXPECT_EQ(s.scheduler.asha.max_resource, 27);
  EXPECT_EQ(s.sampler.kind, core::SamplerKind::kRandom);
  EXPECT_EQ(s.limits.max_trials, 0);
  EXPECT_EQ(s.limits.max_seconds, 0.0);
  EXPECT_EQ(s.checkpoint.dir, "");
  EXPECT_FALSE(s.checkpoint.keep_stopped);
  EXPECT_EQ(s.output.progress_interval, 10.0);
  EXPECT_EQ(s.output.archive_interval, 30.0);
  EXPECT_EQ(s.training.threads, 0);
  EXPECT_EQ(s.training.device, "auto");
  EXPECT_TRUE(s.training.fail_trials.empty());
}

TEST(SweepConfigDefaults, EmptySectionTakesDefaults) {
  const auto s = parse(base() + "checkpoint:\n");
  EXPECT_EQ(s.checkpoint.dir, "");
  EXPECT_FALSE(s.checkpoint.keep_stopped);
}

TEST(SweepConfigObjective, LossMetricDefaultsToMin) {
  EXPECT_EQ(parse(base() + "objective: {metric: val_loss}\n").objective.mode,
            core::ObjectiveMode::kMin);
}

TEST(SweepConfigObjective, ExplicitModeOverridesMetricDefault) {
  EXPECT_EQ(parse(base() + "objective: {metric: train_loss, mode: max}\n").objective.mode,
            core::ObjectiveMode::kMax);
}

// --- Unknown keys -------------------------------------------------------------

TEST(SweepConfigKeys, UnknownKeySuggestsNearestWithLine) {
  const auto e = error_of(base() + "scheduler: {etta: 4}\n");  // line 6
  EXPECT_EQ(e.where(), "test.yaml:6");
  EXPECT_EQ(e.problem(), "unknown key 'scheduler.etta'");
  EXPECT_EQ(e.fix(), "did you mean 'eta'?");
}

TEST(SweepConfigKeys, UnknownKeyFarFromAllListsValidKeys) {
  const auto e = error_of(base() + "zzzzzzzz: 1\n");
  EXPECT_EQ(e.where(), "test.yaml:6");
  EXPECT_EQ(e.problem(), "unknown key 'zzzzzzzz'");
  EXPECT_TRUE(has(e.fix(), "valid keys are: name, seed, data"));
}

TEST(SweepConfigKeys, UnknownKeyInSpaceParamSuggestsNearest) {
  const auto e = error_of(with_space("  lr: {type: float, low: 0.001, high: 0.1, logg: true}\n"));
  EXPECT_EQ(e.where(), "test.yaml:5");
  EXPECT_EQ(e.problem(), "unknown key 'space.lr.logg'");
  EXPECT_EQ(e.fix(), "did you mean 'log'?");
}

TEST(SweepConfigKeys, UnknownKeyInBlockParamPointsAtItsOwnLine) {
  const auto e = error_of(with_space("  lr:\n"              // 5
                                     "    type: float\n"    // 6
                                     "    low: 0.001\n"     // 7
                                     "    hihg: 0.1\n"));   // 8
  EXPECT_EQ(e.where(), "test.yaml:8");
  EXPECT_EQ(e.fix(), "did you mean 'high'?");
}

TEST(SweepConfigKeys, KeyOfAnotherParamTypeIsRejected) {
  const auto e =
      error_of(with_space("  lr: {type: float, low: 0.001, high: 0.1, weights: [1]}\n"));
  EXPECT_EQ(e.where(), "test.yaml:5");
  EXPECT_TRUE(has(e.problem(), "'space.lr.weights' does not apply to a float parameter"));
  EXPECT_TRUE(has(e.fix(), "type, low, high, log"));
}

TEST(SweepConfigKeys, DuplicateKeyIsRejected) {
  const auto e = error_of(base() + "seed: 1\nseed: 2\n");
  EXPECT_EQ(e.where(), "test.yaml:7");
  EXPECT_TRUE(has(e.problem(), "'seed' appears twice"));
}

// --- The search space ---------------------------------------------------------

TEST(SweepConfigSpace, LogRangeNeedsPositiveLow) {
  const auto e = error_of(with_space("  lr: {type: float, low: 0, high: 0.1, log: true}\n"));
  EXPECT_EQ(e.where(), "test.yaml:5");
  EXPECT_TRUE(has(e.problem(), "space.lr: a log range needs low > 0"));
  EXPECT_TRUE(has(e.fix(), "positive lower bound"));
}

TEST(SweepConfigSpace, LowNotBelowHighIsRejected) {
  const auto e = error_of(with_space("  lr: {type: float, low: 0.1, high: 0.01}\n"));
  EXPECT_EQ(e.where(), "test.yaml:5");
  EXPECT_TRUE(has(e.problem(), "space.lr: low (0.1) must be less than high (0.01)"));
  EXPECT_TRUE(has(e.fix(), "swap them"));
}

TEST(SweepConfigSpace, EmptyCategoricalChoicesIsRejected) {
  const auto e = error_of(with_space("  optimizer: {type: categorical, choices: []}\n"));
  EXPECT_EQ(e.where(), "test.yaml:5");
  EXPECT_EQ(e.problem(), "space.optimizer: choices is empty");
  EXPECT_EQ(e.fix(), "list at least one value");
}

TEST(SweepConfigSpace, EmptyIntChoicesIsRejected) {
  const auto e = error_of(with_space("  hidden: {type: int, choices: []}\n"));
  EXPECT_EQ(e.where(), "test.yaml:5");
  EXPECT_EQ(e.problem(), "space.hidden: choices is empty");
}

TEST(SweepConfigSpace, WeightsLengthMismatchIsRejected) {
  const auto e = error_of(
      with_space("  optimizer: {type: categorical, choices: [adam, sgd], weights: [1]}\n"));
  EXPECT_EQ(e.where(), "test.yaml:5");
  EXPECT_TRUE(has(e.problem(), "space.optimizer: weights has 1 entries but choices has 2"));
  EXPECT_EQ(e.fix(), "give one weight per choice");
}

TEST(SweepConfigSpace, IntRangeAndChoicesTogetherIsRejected) {
  const auto e = error_of(with_space("  hidden: {type: int, low: 1, high: 9, choices: [4]}\n"));
  EXPECT_EQ(e.where(), "test.yaml:5");
  EXPECT_TRUE(has(e.problem(), "space.hidden has both choices and a low/high range"));
}

TEST(SweepConfigSpace, IntChoicesAreReadAsAnIntSet) {
  const auto s = parse(with_space("  hidden: {type: int, choices: [32, 64]}\n"));
  const core::ParamSpec* p = s.space.find("hidden");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->type, core::ParamType::kInt);
  EXPECT_EQ(p->int_choices, (std::vector<std::int64_t>{32, 64}));
}

TEST(SweepConfigSpace, IntBoundMustBeWholeNumber) {
  const auto e = error_of(with_space("  layers: {type: int, low: 1.5, high: 3}\n"));
  EXPECT_EQ(e.where(), "test.yaml:5");
  EXPECT_EQ(e.problem(), "space.layers.low must be a whole number, got '1.5'");
}

TEST(SweepConfigSpace, FloatBoundMustBeNumber) {
  const auto e = error_of(with_space("  lr: {type: float, low: tiny, high: 0.1}\n"));
  EXPECT_EQ(e.problem(), "space.lr.low must be a number, got 'tiny'");
}

TEST(SweepConfigSpace, MissingTypeIsRejected) {
  const auto e = error_of(with_space("  lr: {low: 0.001, high: 0.1}\n"));
  EXPECT_EQ(e.where(), "test.yaml:5");
  EXPECT_EQ(e.problem(), "missing required key 'space.lr.type'");
  EXPECT_TRUE(has(e.fix(), "float, int or categorical"));
}

TEST(SweepConfigSpace, UnknownTypeListsTypes) {
  const auto e = error_of(with_space("  lr: {type: double, low: 0.001, high: 0.1}\n"));
  EXPECT_EQ(e.problem(), "space.lr.type: 'double' is not a valid value");
  EXPECT_TRUE(has(e.fix(), "float, int, categorical"));
}

TEST(SweepConfigSpace, ParametersKeepFileOrder) {
  const auto s = parse(with_space("  layers: {type: int, low: 1, high: 3}\n" + std::string(kLr)));
  ASSERT_EQ(s.space.params().size(), 2u);
  EXPECT_EQ(s.space.params()[0].name, "layers");
  EXPECT_EQ(s.space.params()[1].name, "lr");
}

TEST(SweepConfigSpace, EmptySpaceIsRejected) {
  const auto e = error_of(with_space("  {}\n"));
  EXPECT_EQ(e.problem(), "space has no parameters");
}

// --- The model's hyperparameters ----------------------------------------------

TEST(SweepConfigModel, UnknownHyperparameterSuggestsNearest) {
  const auto e = error_of(with_space("  hiden: {type: int, low: 8, high: 64}\n"));
  EXPECT_EQ(e.where(), "test.yaml:5");
  EXPECT_EQ(e.problem(), "unknown hyperparameter 'space.hiden' for model 'mlp'");
  EXPECT_TRUE(has(e.fix(), "did you mean 'hidden'?"));
  EXPECT_TRUE(has(e.fix(), "batch_size"));
}

TEST(SweepConfigModel, TypeMismatchIsRejected) {
  const auto e = error_of(with_space("  hidden: {type: float, low: 8, high: 64}\n"));
  EXPECT_EQ(e.where(), "test.yaml:5");
  EXPECT_TRUE(has(e.problem(), "space.hidden is declared type: float"));
  EXPECT_EQ(e.fix(), "use type: int");
}

TEST(SweepConfigModel, FloatHyperparameterMayBeSearchedOverInts) {
  const auto s = parse(with_space("  dropout: {type: int, choices: [0, 1]}\n"));
  EXPECT_EQ(s.space.find("dropout")->type, core::ParamType::kInt);
}

TEST(SweepConfigModel, CategoricalValueUnknownToModelIsRejected) {
  const auto e =
      error_of(with_space("  optimizer: {type: categorical, choices: [adam, lamb]}\n"));
  EXPECT_EQ(e.where(), "test.yaml:5");
  EXPECT_TRUE(has(e.problem(), "'lamb'"));
  EXPECT_TRUE(has(e.fix(), "sgd, adam, adamw, rmsprop"));
}

TEST(SweepConfigModel, UnknownModelKindListsKinds) {
  const auto e = error_of(base() + "model: {kind: transformer}\n");
  EXPECT_EQ(e.where(), "test.yaml:6");
  EXPECT_EQ(e.problem(), "model.kind: 'transformer' is not a valid value");
  EXPECT_TRUE(has(e.fix(), "mlp, cnn, rnn"));
}

TEST(SweepConfigModel, APerSampleModelRefusesAPerStepTask) {
  const auto e = error_of(base() + "model: {kind: cnn}\n", {"data.task=sequence_regression"});
  EXPECT_TRUE(has(e.problem(), "model cnn predicts one output per sample")) << e.problem();
  EXPECT_TRUE(has(e.fix(), "use model.kind: rnn")) << e.fix();
}

// --- Values -------------------------------------------------------------------

TEST(SweepConfigValues, BadMetricListsValidValues) {
  const auto e = error_of(base() + "objective: {metric: accuracy}\n");
  EXPECT_EQ(e.where(), "test.yaml:6");
  EXPECT_EQ(e.problem(), "objective.metric: 'accuracy' is not a valid value");
  // The model's declared metrics, in its order, the nearest first.
  EXPECT_TRUE(has(e.fix(), "did you mean 'val_accuracy'?")) << e.fix();
  EXPECT_TRUE(has(e.fix(), "train_loss, val_loss, val_accuracy")) << e.fix();
}

TEST(SweepConfigValues, BadDeviceSuggestsNearestAndListsValues) {
  const auto e = error_of(base() + "training: {device: cudaa}\n");
  EXPECT_EQ(e.fix(), "did you mean 'cuda'? valid values are: auto, cpu, cuda");
}

TEST(SweepConfigValues, BadSchedulerModeListsValues) {
  const auto e = error_of(base() + "scheduler: {mode: stoping}\n");
  EXPECT_EQ(e.problem(), "scheduler.mode: 'stoping' is not a valid value");
  EXPECT_TRUE(has(e.fix(), "did you mean 'stopping'"));
  EXPECT_TRUE(has(e.fix(), "promotion, stopping"));
}

TEST(SweepConfigValues, StringWhereNumberExpectedIsInputError) {
  const auto e = error_of(base() + "scheduler: {eta: three}\n");
  EXPECT_EQ(e.where(), "test.yaml:6");
  EXPECT_EQ(e.problem(), "scheduler.eta must be a whole number, got 'three'");
}

TEST(SweepConfigValues, ListWhereStringExpectedIsInputError) {
  const auto e = error_of("name: [a, b]\n" + base().substr(8));  // replaces line 1
  EXPECT_EQ(e.where(), "test.yaml:1");
  EXPECT_EQ(e.problem(), "name must be a string, got a list");
}

TEST(SweepConfigValues, SectionThatIsNotAMapIsRejected) {
  const auto e = error_of(base() + "limits: 2h\n");
  EXPECT_EQ(e.problem(), "limits must be a map of keys, got '2h'");
}

TEST(SweepConfigValues, AshaRulesAreChecked) {
  const auto e = error_of(base() + "scheduler: {eta: 1}\n");
  EXPECT_EQ(e.where(), "test.yaml:6");
  EXPECT_EQ(e.problem(), "scheduler.eta must be an integer >= 2, got 1");
  EXPECT_EQ(e.fix(), "3 or 4 are usual");
}

TEST(SweepConfigValues, MaxResourceBelowMinIsRejected) {
  const auto e = error_of(base() + "scheduler: {min_resource: 9, max_resource: 3}\n");
  EXPECT_TRUE(has(e.problem(), "max_resource (3) must be >= min_resource (9)"));
}

TEST(SweepConfigValues, FailTrialsAreRead) {
  EXPECT_EQ(parse(base() + "training: {fail_trials: [3, 7]}\n").training.fail_trials,
            (std::vector<std::int64_t>{3, 7}));
}

TEST(SweepConfigValues, NegativeFailTrialIsRejected) {
  const auto e = error_of(base() + "training: {fail_trials: [3, -1]}\n");
  EXPECT_EQ(e.where(), "test.yaml:6");
  EXPECT_EQ(e.problem(), "training.fail_trials[1] must be >= 0, got -1");
}

TEST(SweepConfigValues, NegativeThreadsIsRejected) {
  const auto e = error_of(base() + "training: {threads: -2}\n");
  EXPECT_TRUE(has(e.problem(), "training.threads must be in [0,"));
}

TEST(SweepConfigValues, NameWithSpaceIsRejected) {
  const auto e = error_of("name: my sweep\n" + base().substr(8));
  EXPECT_EQ(e.where(), "test.yaml:1");
  EXPECT_TRUE(has(e.fix(), "'my-sweep'"));
}

TEST(SweepConfigValues, SeedTakesFullUnsignedRange) {
  EXPECT_EQ(parse(base() + "seed: 18446744073709551615\n").seed, 18446744073709551615u);
}

TEST(SweepConfigValues, NegativeSeedIsRejected) {
  const auto e = error_of(base() + "seed: -1\n");
  EXPECT_EQ(e.problem(), "seed must be a whole number >= 0, got '-1'");
}

TEST(SweepConfigValues, LeadingZeroIsDecimal) {
  // yaml-cpp alone would read 010 as octal 8.
  EXPECT_EQ(parse(base() + "seed: 010\n").seed, 10u);
}

TEST(SweepConfigValues, ZeroSamplerTrialsIsRejected) {
  const auto e = error_of("name: t\ndata: {path: d.h5}\nsampler: {trials: 0}\nspace:\n" +
                          std::string(kLr));
  EXPECT_EQ(e.where(), "test.yaml:3");
  EXPECT_TRUE(has(e.problem(), "sampler.trials must be in [1, 1000000000], got 0"));
}

TEST(SweepConfigValues, KeepStoppedMustBeBoolean) {
  const auto e = error_of(base() + "checkpoint: {keep_stopped: maybe}\n");
  EXPECT_EQ(e.problem(), "checkpoint.keep_stopped must be true or false, got 'maybe'");
}

TEST(SweepConfigValues, MissingDataPathPointsAtData) {
  const auto e = error_of("name: t\ndata: {train: /x}\nsampler: {trials: 1}\nspace:\n" +
                          std::string(kLr));
  EXPECT_EQ(e.where(), "test.yaml:2");
  EXPECT_EQ(e.problem(), "missing required key 'data.path'");
}

TEST(SweepConfigValues, MissingNameNamesTheFile) {
  const auto e = error_of(base().substr(8));
  EXPECT_EQ(e.where(), "test.yaml");
  EXPECT_EQ(e.problem(), "missing required key 'name'");
}

// --- The sweep must end -------------------------------------------------------

TEST(SweepConfigEnd, SweepWithoutEndIsRejected) {
  const auto e = error_of("name: t\ndata: {path: d.h5}\nspace:\n" + std::string(kLr));
  EXPECT_TRUE(has(e.problem(), "the sweep has no end"));
  EXPECT_TRUE(has(e.fix(), "limits"));
}

TEST(SweepConfigEnd, LimitsTimeAloneEndsTheSweep) {
  const auto s = parse("name: t\ndata: {path: d.h5}\nlimits: {time: 1m}\nspace:\n" +
                       std::string(kLr));
  EXPECT_DOUBLE_EQ(s.limits.max_seconds, 60.0);
}

TEST(SweepConfigEnd, LimitsTrialsAloneEndsTheSweep) {
  const auto s = parse("name: t\ndata: {path: d.h5}\nlimits: {trials: 4}\nspace:\n" +
                       std::string(kLr));
  EXPECT_EQ(s.trial_budget(), 4);
}

// --- Durations ----------------------------------------------------------------

TEST(SweepConfigDuration, LimitsTimeReadsUnits) {
  // 1h30m = 3600 + 30 * 60 = 5400 s
  EXPECT_DOUBLE_EQ(parse(base() + "limits: {time: 1h30m}\n").limits.max_seconds, 5400.0);
}

TEST(SweepConfigDuration, LimitsTimeReadsPlainSeconds) {
  EXPECT_DOUBLE_EQ(parse(base() + "limits: {time: 45}\n").limits.max_seconds, 45.0);
}

TEST(SweepConfigDuration, LimitsTimeRejectsWords) {
  const auto e = error_of(base() + "limits: {time: 2 hours}\n");
  EXPECT_EQ(e.where(), "test.yaml:6");
  EXPECT_EQ(e.problem(), "limits.time must be a duration, got '2 hours'");
  EXPECT_TRUE(has(e.fix(), "1h30m"));
}

TEST(SweepConfigDuration, OutputIntervalReadsUnits) {
  EXPECT_DOUBLE_EQ(parse(base() + "output: {progress_interval: 1m}\n").output.progress_interval,
                   60.0);
}

TEST(SweepConfigDuration, ZeroIntervalIsRejected) {
  const auto e = error_of(base() + "output: {archive_interval: 0}\n");
  EXPECT_EQ(e.problem(), "output.archive_interval must be a duration > 0, got '0'");
}

// --- Overrides ----------------------------------------------------------------

TEST(SweepConfigOverride, SetsNestedValue) {
  EXPECT_EQ(parse(base(), {"scheduler.eta=4"}).scheduler.asha.eta, 4);
}

TEST(SweepConfigOverride, SetsSpaceParamBound) {
  EXPECT_DOUBLE_EQ(parse(base(), {"space.lr.high=0.5"}).space.find("lr")->high, 0.5);
}

TEST(SweepConfigOverride, CreatesMissingSection) {
  EXPECT_DOUBLE_EQ(parse(base(), {"limits.time=2h"}).limits.max_seconds, 7200.0);
}

TEST(SweepConfigOverride, ParsesFlowList) {
  EXPECT_EQ(parse(base(), {"training.fail_trials=[1,2]"}).training.fail_trials,
            (std::vector<std::int64_t>{1, 2}));
}

TEST(SweepConfigOverride, AddsSpaceParam) {
  const auto s = parse(base(), {"space.layers={type: int, low: 1, high: 4}"});
  ASSERT_NE(s.space.find("layers"), nullptr);
  EXPECT_EQ(s.space.find("layers")->high, 4.0);
}

TEST(SweepConfigOverride, LaterOverrideWins) {
  EXPECT_EQ(parse(base(), {"scheduler.eta=4", "scheduler.eta=5"}).scheduler.asha.eta, 5);
}

TEST(SweepConfigOverride, UnknownKeyIsReportedAtTheOverride) {
  const auto e = error_of(base(), {"scheduler.etta=4"});
  EXPECT_EQ(e.where(), "--set scheduler.etta=4");
  EXPECT_EQ(e.problem(), "unknown key 'scheduler.etta'");
  EXPECT_EQ(e.fix(), "did you mean 'eta'?");
}

TEST(SweepConfigOverride, KeyBelowAValueIsRejected) {
  const auto e = error_of(base(), {"scheduler.eta.x=1"});
  EXPECT_EQ(e.where(), "--set scheduler.eta.x=1");
  EXPECT_EQ(e.problem(), "unknown key 'scheduler.eta.x'");
}

TEST(SweepConfigOverride, UnknownHyperparameterSuggestsNearest) {
  const auto e = error_of(base(), {"space.lrr.high=1"});
  EXPECT_EQ(e.where(), "--set space.lrr.high=1");
  EXPECT_TRUE(has(e.fix(), "did you mean 'lr'?"));
}

TEST(SweepConfigOverride, WithoutEqualsExplainsSyntax) {
  const auto e = error_of(base(), {"scheduler.eta"});
  EXPECT_EQ(e.where(), "--set scheduler.eta");
  EXPECT_TRUE(has(e.problem(), "KEY=VALUE"));
  EXPECT_TRUE(has(e.fix(), "--set scheduler.eta=4"));
}

TEST(SweepConfigOverride, EmptyKeyPartIsRejected) {
  const auto e = error_of(base(), {"scheduler..eta=4"});
  EXPECT_TRUE(has(e.problem(), "not a dotted key path"));
}

TEST(SweepConfigOverride, BadValueIsBlamedOnTheOverride) {
  const auto e = error_of(base(), {"scheduler.eta=three"});
  EXPECT_EQ(e.where(), "--set scheduler.eta=three");
  EXPECT_EQ(e.problem(), "scheduler.eta must be a whole number, got 'three'");
}

TEST(SweepConfigOverride, RangeBrokenByOverrideIsBlamedOnIt) {
  const auto e = error_of(base(), {"space.lr.high=0.0001"});
  EXPECT_EQ(e.where(), "--set space.lr.high=0.0001");
  EXPECT_TRUE(has(e.problem(), "space.lr: low (0.001) must be less than high (0.0001)"));
}

TEST(SweepConfigOverride, TypeChangedByOverrideIsBlamedOnIt) {
  const auto e = error_of(with_space("  hidden: {type: int, choices: [32, 64]}\n"),
                          {"space.hidden.type=float"});
  EXPECT_EQ(e.where(), "--set space.hidden.type=float");
  EXPECT_TRUE(has(e.problem(), "'space.hidden.choices' does not apply to a float parameter"));
}

TEST(SweepConfigOverride, UnparsableValueIsRejected) {
  const auto e = error_of(base(), {"training.fail_trials=[1,2"});
  EXPECT_EQ(e.where(), "--set training.fail_trials=[1,2");
  EXPECT_TRUE(has(e.problem(), "cannot parse the value '[1,2'"));
}

// --- The effective configuration ----------------------------------------------

TEST(SweepConfigYamlText, RoundTripsToTheSameSpec) {
  const auto first = load_sweep_config(RUNGS_SOURCE_DIR "/configs/reference.yaml",
                                       {"scheduler.eta=4", "space.lr.high=0.5"});
  const auto second = parse(first.yaml_text);
  EXPECT_EQ(summary(second), summary(first));
  EXPECT_EQ(second.yaml_text, first.yaml_text);
}

TEST(SweepConfigYamlText, CarriesTheOverrides) {
  const auto first = parse(base(), {"limits.time=2h"});
  EXPECT_DOUBLE_EQ(parse(first.yaml_text).limits.max_seconds, 7200.0);
}

// --- YAML itself --------------------------------------------------------------

TEST(SweepConfigSyntax, SyntaxErrorGivesFileAndLine) {
  const auto e = error_of("name: t\ndata: {path: d.h5}\nsampler: {trials: 10}\n  oops: 1\n");
  EXPECT_EQ(e.where(), "test.yaml:4");
  EXPECT_TRUE(has(e.problem(), "YAML syntax error"));
  EXPECT_TRUE(has(e.fix(), "indentation"));
}

TEST(SweepConfigSyntax, EmptyConfigIsRejected) {
  const auto e = error_of("# nothing here\n");
  EXPECT_EQ(e.where(), "test.yaml");
  EXPECT_EQ(e.problem(), "the configuration is empty");
}

TEST(SweepConfigSyntax, ListAtTopIsRejected) {
  const auto e = error_of("- a\n- b\n");
  EXPECT_EQ(e.problem(), "the configuration must be a map of keys, got a list");
}

// --- nearest_key --------------------------------------------------------------

TEST(NearestKey, FindsOneEditTypo) { EXPECT_EQ(nearest_key("etta", {"kind", "eta"}), "eta"); }

TEST(NearestKey, IgnoresCase) { EXPECT_EQ(nearest_key("ETA", {"kind", "eta"}), "eta"); }

TEST(NearestKey, ReturnsEmptyWhenNothingIsClose) {
  // "abc" -> "eta" needs 3 substitutions; a 3-letter key allows max(2, 3/3) = 2.
  EXPECT_EQ(nearest_key("abc", {"eta"}), "");
}

TEST(NearestKey, AllowsMoreEditsForLongKeys) {
  // 3 insertions (s, e, a); a 14-letter key allows max(2, 14/3) = 4.
  EXPECT_EQ(nearest_key("progres_intrvl", {"progress_interval", "archive_interval"}),
            "progress_interval");
}

// --- Schedulers, samplers and space features ---------------------------------

TEST(SweepConfigScheduler, ReadsEveryKindAndItsKnobs) {
  const auto s = parse(base() +
                       "scheduler: {kind: hyperband, mode: stopping, eta: 3, min_resource: 1,\n"
                       "            max_resource: 81, brackets: 3, grace_period: 2, min_samples: 4}\n"
                       "limits: {target: 0.95}\n");
  EXPECT_EQ(s.scheduler.kind, core::SchedulerKind::kHyperband);
  EXPECT_EQ(s.scheduler.mode, core::AshaMode::kStopping);
  EXPECT_EQ(s.scheduler.brackets, 3);
  EXPECT_EQ(s.scheduler.grace_period, 2);
  EXPECT_EQ(s.scheduler.min_samples, 4);
  ASSERT_TRUE(s.limits.target.has_value());
  EXPECT_DOUBLE_EQ(*s.limits.target, 0.95);
  EXPECT_EQ(parse(base() + "scheduler: {kind: median}\n").scheduler.kind,
            core::SchedulerKind::kMedian);
  EXPECT_EQ(parse(base() + "scheduler: {kind: fifo}\n").scheduler.kind, core::SchedulerKind::kFifo);
}

TEST(SweepConfigScheduler, UnknownKindListsTheKinds) {
  const auto e = error_of(base() + "scheduler: {kind: hyperbnd}\n");
  EXPECT_TRUE(has(e.what(), "did you mean 'hyperband'"));
  EXPECT_TRUE(has(e.what(), "asha, hyperband, median, fifo"));
}

TEST(SweepConfigScheduler, TooManyBracketsNamesTheLimit) {
  // eta 3 over resources 1..27: s_max = log3(27) = 3, so 4 brackets at most.
  const auto e = error_of(base() +
                          "scheduler: {kind: hyperband, eta: 3, min_resource: 1, max_resource: 27,"
                          " brackets: 5}\n");
  EXPECT_TRUE(has(e.what(), "test.yaml:6"));
  EXPECT_TRUE(has(e.what(), "at most 4"));
  EXPECT_TRUE(has(error_of(base() + "scheduler: {kind: asha, brackets: 2}\n").what(),
                  "only to kind: hyperband"));
}

TEST(SweepConfigScheduler, EtaBelowTwoAndMinAboveMaxAreErrors) {
  EXPECT_TRUE(has(error_of(base() + "scheduler: {eta: 1}\n").what(), "eta must be"));
  EXPECT_TRUE(has(error_of(base() + "scheduler: {min_resource: 9, max_resource: 3}\n").what(),
                  "max_resource (3) must be >= min_resource (9)"));
}

TEST(SweepConfigSampler, ReadsTpeKnobs) {
  const auto s = parse(
      "name: t\ndata: {path: d.h5}\nspace:\n  lr: {type: float, low: 0.001, high: 0.1}\n"
      "sampler: {kind: tpe, trials: 50, tpe: {startup_trials: 5, gamma: 0.2, candidates: 48,"
      " multivariate: true}}\n");
  EXPECT_EQ(s.sampler.kind, core::SamplerKind::kTpe);
  EXPECT_EQ(s.sampler.tpe.startup_trials, 5);
  EXPECT_DOUBLE_EQ(s.sampler.tpe.gamma, 0.2);
  EXPECT_EQ(s.sampler.tpe.candidates, 48);
  EXPECT_TRUE(s.sampler.tpe.multivariate);
}

TEST(SweepConfigSampler, GammaOutsideUnitIntervalIsAnError) {
  // kHead already has a sampler line; use a config without it.
  const std::string yaml =
      "name: t\ndata: {path: d.h5}\nsampler: {kind: tpe, trials: 5, tpe: {gamma: 1.5}}\n"
      "space:\n  lr: {type: float, low: 0.001, high: 0.1}\n";
  const auto e = error_of(yaml);
  EXPECT_TRUE(has(e.what(), "gamma must be in (0, 1)"));
  EXPECT_TRUE(has(e.what(), "test.yaml:3"));
}

TEST(SweepConfigSampler, GridNeedsPointsForFloatsAndEndsByItself) {
  const std::string head = "name: t\ndata: {path: d.h5}\nsampler: {kind: grid}\nspace:\n";
  const auto e = error_of(head + "  lr: {type: float, low: 0.001, high: 0.1}\n");
  EXPECT_TRUE(has(e.what(), "test.yaml:5"));
  EXPECT_TRUE(has(e.what(), "add grid: N"));
  // A grid is finite, so no trials or time limit is needed.
  const auto s = parse(head + "  lr: {type: float, low: 0.001, high: 0.1, log: true, grid: 4}\n");
  EXPECT_EQ(s.space.find("lr")->grid_points, 4);
}

TEST(SweepConfigSpace, FixedParameterTakesOnlyTypeValueAndWhen) {
  const auto s = parse(with_space(kLr) + "  hidden: {type: int, value: 128}\n");
  ASSERT_TRUE(s.space.find("hidden")->fixed.has_value());
  EXPECT_EQ(std::get<std::int64_t>(*s.space.find("hidden")->fixed), 128);
  const auto e = error_of(with_space(kLr) + "  hidden: {type: int, value: 128, low: 1}\n");
  EXPECT_TRUE(has(e.what(), "does not apply to a fixed parameter"));
  EXPECT_TRUE(has(error_of(with_space(kLr) + "  optimizer: {type: categorical, value: lamb}\n")
                      .what(),
                  "not a value the mlp model knows"));
}

TEST(SweepConfigSpace, IntStepIsRead) {
  const auto s = parse(with_space(kLr) + "  hidden: {type: int, low: 16, high: 256, step: 16}\n");
  EXPECT_EQ(s.space.find("hidden")->step, 16);
  EXPECT_TRUE(has(error_of(with_space(kLr) + "  hidden: {type: int, low: 16, high: 256, step: 0}\n")
                      .what(),
                  "step"));
}

TEST(SweepConfigSpace, WhenReadsParentValues) {
  const auto s = parse(with_space(kLr) +
                       "  optimizer: {type: categorical, choices: [adam, sgd, adamw]}\n"
                       "  momentum: {type: float, low: 0.5, high: 0.99, when: {optimizer: [sgd]}}\n");
  const auto* m = s.space.find("momentum");
  ASSERT_EQ(m->when.size(), 1u);
  EXPECT_EQ(m->when[0].parent, "optimizer");
  EXPECT_EQ(std::get<std::string>(m->when[0].values[0]), "sgd");
}

TEST(SweepConfigSpace, WhenNamingUnknownParameterIsAnError) {
  const auto e = error_of(with_space(kLr) +
                          "  momentum: {type: float, low: 0.5, high: 0.99, when: {optimiser: sgd}}\n");
  EXPECT_TRUE(has(e.what(), "test.yaml:6"));
  EXPECT_TRUE(has(e.what(), "'optimiser'"));
}

TEST(SweepConfigSpace, WhenNamingImpossibleValueIsAnError) {
  const auto e = error_of(with_space(kLr) +
                          "  optimizer: {type: categorical, choices: [adam, sgd]}\n"
                          "  momentum: {type: float, low: 0.5, high: 0.99, when: {optimizer: rmsprop}}\n");
  EXPECT_TRUE(has(e.what(), "test.yaml:7"));
  EXPECT_TRUE(has(e.what(), "rmsprop"));
}

TEST(SweepConfigSpace, NewKeysSurviveTheYamlTextRoundTrip) {
  const auto s = parse(with_space(kLr) +
                       "  optimizer: {type: categorical, choices: [adam, sgd]}\n"
                       "  momentum: {type: float, low: 0.5, high: 0.99, when: {optimizer: sgd}}\n"
                       "  hidden: {type: int, low: 16, high: 64, step: 16}\n"
                       "  layers: {type: int, value: 2}\n"
                       "scheduler: {kind: hyperband, mode: stopping, brackets: 2, grace_period: 1}\n"
                       "limits: {target: 0.9}\n");
  EXPECT_EQ(summary(parse(s.yaml_text)), summary(s));
}

}  // namespace
}  // namespace rungs::io

namespace rungs::io {
namespace {

// Overflow: 2^63 - 1 and 2^62 epochs made the rung arithmetic loop for ever
// or go negative; every resource and count is bounded where it is read, and
// the error points at the key's own line.
TEST(SweepConfigBounds, HugeMaxResourceIsAnErrorOnItsOwnLine) {
  const std::string yaml = "name: x\ndata: {path: d.h5}\nscheduler:\n  kind: asha\n"
                           "  max_resource: 9223372036854775807\n"
                           "space:\n  lr: {type: float, low: 0.1, high: 0.2}\n";
  try {
    parse_sweep_config(yaml, "test.yaml");
    FAIL() << "accepted";
  } catch (const core::InputError& e) {
    EXPECT_EQ(e.where(), "test.yaml:5");
    EXPECT_NE(e.problem().find("max_resource must be <= 1099511627776"), std::string::npos)
        << e.problem();
  }
  EXPECT_THROW(parse_sweep_config(yaml, "t", {"scheduler.max_resource=4611686018427387904"}),
               core::InputError);
}

TEST(SweepConfigBounds, EtaErrorPointsAtTheEtaLine) {
  const std::string yaml = "name: x\ndata: {path: d.h5}\nscheduler:\n  kind: asha\n  eta: 1\n"
                           "space:\n  lr: {type: float, low: 0.1, high: 0.2}\n";
  try {
    parse_sweep_config(yaml, "test.yaml");
    FAIL() << "accepted";
  } catch (const core::InputError& e) {
    EXPECT_EQ(e.where(), "test.yaml:5");
  }
}

TEST(SweepConfigBounds, TrialCountsAreBounded) {
  const std::string yaml = "name: x\ndata: {path: d.h5}\n"
                           "space:\n  lr: {type: float, low: 0.1, high: 0.2}\n";
  EXPECT_THROW(parse_sweep_config(yaml, "t", {"sampler.trials=1000000000000"}), core::InputError);
  EXPECT_THROW(parse_sweep_config(yaml, "t", {"limits.trials=1000000000000"}), core::InputError);
  EXPECT_NO_THROW(parse_sweep_config(yaml, "t", {"limits.trials=1000000000"}));
}

}  // namespace
}  // namespace rungs::io

namespace rungs::io {
namespace {

// A command sweep without data; the model section at lines 2-6.
std::string command_config(const std::string& argv_line, const std::string& extra = "") {
  return "name: c\n"                                                              // 1
         "model:\n"                                                               // 2
         "  kind: command\n"                                                      // 3
         "  argv: " + argv_line + "\n"                                            // 4
         "  metrics: [val_loss, {name: val_accuracy, mode: max}]\n"               // 5
         "  env: {WANDB_MODE: offline}\n"                                         // 6
         "sampler: {trials: 10}\n"                                                // 7
         + extra +
         "space:\n"
         "  lr: {type: float, low: 0.001, high: 0.1, log: true}\n"
         "  optimizer: {type: categorical, choices: [sgd, adam]}\n"
         "  momentum: {type: float, low: 0.5, high: 0.99, when: {optimizer: [sgd]}}\n";
}

TEST(SweepConfigCommand, ReadsArgvEnvMetricsAndAnyParameterNames) {
  const core::SweepSpec s =
      parse(command_config("[python3, train.py, --lr, \"{lr}\", --epochs, \"{to_resource}\"]",
                           "objective: {metric: val_accuracy}\n"));
  EXPECT_TRUE(s.model.is_command());
  EXPECT_EQ(s.model.command.argv,
            (std::vector<std::string>{"python3", "train.py", "--lr", "{lr}", "--epochs", "{to_resource}"}));
  EXPECT_EQ(s.model.command.env, (std::vector<std::pair<std::string, std::string>>{{"WANDB_MODE", "offline"}}));
  EXPECT_TRUE(s.model.command.resume);
  EXPECT_EQ(s.model.command.grace, 10.0);
  ASSERT_EQ(s.metrics.size(), 2u);
  EXPECT_EQ(s.metrics[1].name, "val_accuracy");
  EXPECT_EQ(s.metrics[1].better, core::ObjectiveMode::kMax);
  EXPECT_EQ(s.objective.mode, core::ObjectiveMode::kMax);  // the metric's own direction
  EXPECT_TRUE(s.data.path.empty());                        // the program reads its own
  EXPECT_EQ(s.space.params().size(), 3u);                  // no catalog to check against
}

TEST(SweepConfigCommand, ObjectiveDefaultsToTheFirstDeclaredMetric) {
  const core::SweepSpec s = parse(command_config("[prog]"));
  EXPECT_EQ(s.objective.metric, "val_loss");
  EXPECT_EQ(s.objective.mode, core::ObjectiveMode::kMin);
}

TEST(SweepConfigCommand, UnknownPlaceholderIsNamedWithTheNearest) {
  const core::InputError e = error_of(command_config("[prog, \"{lrr}\"]"));
  EXPECT_TRUE(has(e.what(), "test.yaml:4")) << e.what();
  EXPECT_TRUE(has(e.what(), "unknown placeholder {lrr}")) << e.what();
  EXPECT_TRUE(has(e.what(), "did you mean {lr}?")) << e.what();
}

TEST(SweepConfigCommand, PlaceholderInsideTextAndConditionalPlaceholderAreRefused) {
  EXPECT_TRUE(has(error_of(command_config("[prog, \"--lr={lr}\"]")).what(),
                  "a placeholder must be a whole argument"));
  EXPECT_TRUE(has(error_of(command_config("[prog, \"{momentum}\"]")).what(),
                  "names a conditional parameter"));
  EXPECT_TRUE(has(error_of(command_config("[prog, \"{data_path}\"]")).what(),
                  "data_path needs data"));
}

TEST(SweepConfigCommand, MetricsAreRequiredAndTheObjectiveMustBeOne) {
  const std::string no_metrics = "name: c\nmodel: {kind: command, argv: [prog]}\nsampler: {trials: 1}\n"
                                 "space:\n  lr: {type: float, low: 0.1, high: 1}\n";
  EXPECT_TRUE(has(error_of(no_metrics).what(), "missing required key 'model.metrics'"));
  EXPECT_TRUE(has(error_of(command_config("[prog]", "objective: {metric: accuracy}\n")).what(),
                  "did you mean 'val_accuracy'?"));
}

TEST(SweepConfigCommand, CommandKeysOnABuiltInModelAreRefused) {
  const core::InputError e = error_of(
      "name: t\ndata: {path: d.h5}\nmodel: {kind: mlp, argv: [prog]}\nsampler: {trials: 10}\n"
      "space:\n  lr: {type: float, low: 0.001, high: 0.1}\n");
  EXPECT_TRUE(has(e.what(), "model.argv applies only to kind: command")) << e.what();
}

TEST(SweepConfigCommand, ParameterNamedLikeABuiltInPlaceholderIsRefused) {
  const core::InputError e = error_of(
      "name: c\nmodel: {kind: command, argv: [prog], metrics: [loss]}\nsampler: {trials: 1}\n"
      "space:\n  seed: {type: int, low: 1, high: 9}\n");
  EXPECT_TRUE(has(e.what(), "space.seed has the name of a placeholder every trial fills in")) << e.what();
}

}  // namespace
}  // namespace rungs::io
