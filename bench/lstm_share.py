"""How much of a PyTorch epoch of bench/epoch_throughput.sh's LSTM workload
is the LSTM's own forward and backward (ATen's kernels, which rungs and
PyTorch share): the ceiling on what any trainer around it can gain.

usage: lstm_share.py FILE (a `rungs data synth --kind sinusoids` file)
"""
import sys
import time

import h5py
import torch
import torch.nn as nn

torch.set_num_threads(1)
with h5py.File(sys.argv[1], "r") as f:
    x = torch.from_numpy(f["train/x"][()])
lstm = nn.LSTM(x.shape[2], 32, batch_first=True)


def lstm_pass():
    order = torch.randperm(len(x))
    spent = 0.0
    for start in range(0, len(x), 32):
        xb = x.index_select(0, order[start:start + 32])
        t0 = time.perf_counter()
        out = lstm(xb)[0]
        out.backward(torch.ones_like(out))
        spent += time.perf_counter() - t0
    return spent


lstm_pass()
print(f"{sorted(lstm_pass() for _ in range(3))[1]:.4f}")
