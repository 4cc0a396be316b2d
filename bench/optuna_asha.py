#!/usr/bin/python3
"""The peer of scheduler_throughput: Optuna's in-memory study with the
SuccessiveHalvingPruner (stopping-mode ASHA: min_resource 1, reduction
factor 3), a RandomSampler, two float parameters, and the same synthetic
metric: trial quality q ~ U(0,1), metric(t) = q + 0.5 g / t, g ~ U(0,1),
minimised, reported at every epoch t = 1..81 until the pruner stops it.

A decision is a job request (study.ask + the two suggestions) or a report
(trial.report + trial.should_prune), as scheduler_throughput counts
next_job and on_report calls. Trials run one after the other (Optuna's
ask/tell loop in one thread).

Run with Debian's interpreter, which has python3-optuna 3.1:
    /usr/bin/python3 bench/optuna_asha.py [--trials 20000] [--seed 1]
"""
import argparse
import random
import sys
import time

import optuna


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--trials", type=int, default=20000)
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args()

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(
        direction="minimize",
        sampler=optuna.samplers.RandomSampler(seed=args.seed),
        pruner=optuna.pruners.SuccessiveHalvingPruner(
            min_resource=1, reduction_factor=3, min_early_stopping_rate=0),
    )
    rng = random.Random(args.seed)
    requests = reports = 0
    window = []  # (trials done, seconds) every 10% of the run
    start = time.perf_counter()
    for i in range(args.trials):
        trial = study.ask()
        trial.suggest_float("lr", 1e-4, 1e-1, log=True)
        trial.suggest_float("dropout", 0.0, 0.5)
        requests += 1
        q, g = rng.random(), rng.random()
        value, pruned = None, False
        for step in range(1, 82):
            value = q + 0.5 * g / step
            trial.report(value, step)
            reports += 1
            if trial.should_prune():
                pruned = True
                break
        if pruned:
            study.tell(trial, state=optuna.trial.TrialState.PRUNED)
        else:
            study.tell(trial, value)
        if (i + 1) % max(1, args.trials // 10) == 0:
            window.append((i + 1, requests + reports, time.perf_counter() - start))
    seconds = time.perf_counter() - start
    decisions = requests + reports
    print(f"Optuna {optuna.__version__} SuccessiveHalvingPruner, in-memory study, 1 thread")
    print()
    print("| trials | job requests | reports | real s | decisions/s |")
    print("|---|---|---|---|---|")
    print(f"| {args.trials} | {requests} | {reports} | {seconds:.2f} | {decisions / seconds:.0f} |")
    print()
    print("decisions/s over each tenth of the run (the pruner reads every trial's")
    print("reports at a rung, so it slows down as the study grows):")
    prev_d, prev_t = 0, 0.0
    for trials, d, t in window:
        print(f"  trials up to {trials:7d}: {(d - prev_d) / (t - prev_t):10.0f} decisions/s")
        prev_d, prev_t = d, t
    print(f"RESULT mode=optuna trials={args.trials} decisions_per_s={decisions / seconds:.0f}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
