"""The peer side of bench/epoch_throughput.sh: PyTorch eager (Debian's
python3-torch, the same LibTorch 1.13 and BLAS as rungs), the same model,
data, batch size, optimizer (Adam, lr 1e-3) and epoch: a shuffled pass over
the training split in minibatches (forward, loss, backward, step, the
loss's value read back as rungs reads it) and the validation metrics on the
whole validation split. One thread. Prints the median epoch's seconds,
samples/s and the last validation metric.

usage: epoch_throughput.py FILE TASK MODEL BATCH EPOCHS [name=value ...]
"""
import statistics
import sys
import time

import h5py
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
path, task, model_kind, batch, epochs = sys.argv[1:6]
batch, epochs = int(batch), int(epochs)
hp = dict(kv.split("=") for kv in sys.argv[6:])

with h5py.File(path, "r") as f:
    xt, yt = torch.from_numpy(f["train/x"][()]), torch.from_numpy(f["train/y"][()])
    xv, yv = torch.from_numpy(f["val/x"][()]), torch.from_numpy(f["val/y"][()])
    classes = int(f.attrs["classes"]) if "classes" in f.attrs else 0
if task == "sequence_regression":
    yt, yv = yt.unsqueeze(-1), yv.unsqueeze(-1)


class Mlp(nn.Module):
    def __init__(self, inputs, hidden, layers, outputs):
        super().__init__()
        sizes = [inputs] + [hidden] * layers
        self.hidden = nn.ModuleList(nn.Linear(a, b) for a, b in zip(sizes, sizes[1:]))
        self.out = nn.Linear(sizes[-1], outputs)

    def forward(self, x):
        x = x.flatten(1)
        for layer in self.hidden:
            x = F.relu(layer(x))
        return self.out(x)


class Cnn(nn.Module):
    def __init__(self, channels_in, blocks, channels, outputs):
        super().__init__()
        self.convs, self.norms = nn.ModuleList(), nn.ModuleList()
        for b in range(blocks):
            out = channels << b
            self.convs.append(nn.Conv2d(channels_in, out, 3, padding=1))
            self.norms.append(nn.BatchNorm2d(out))
            channels_in = out
        self.head = nn.Linear(channels_in, outputs)

    def forward(self, x):
        for conv, norm in zip(self.convs, self.norms):
            x = F.max_pool2d(F.relu(norm(conv(x))), 2)
        return self.head(x.mean((2, 3)))


class Lstm(nn.Module):
    def __init__(self, features, hidden, outputs):
        super().__init__()
        self.lstm = nn.LSTM(features, hidden, batch_first=True)
        self.head = nn.Linear(hidden, outputs)

    def forward(self, x):
        return self.head(self.lstm(x)[0])


torch.manual_seed(1)
if model_kind == "mlp":
    net = Mlp(xt[0].numel(), int(hp.get("hidden", 64)), int(hp.get("layers", 2)), classes or 1)
elif model_kind == "cnn":
    net = Cnn(xt.shape[1], int(hp.get("conv_layers", 2)), int(hp.get("channels", 16)), classes)
else:
    net = Lstm(xt.shape[2], int(hp.get("hidden", 64)), 1)
opt = torch.optim.Adam(net.parameters(), lr=1e-3)
loss_fn = F.cross_entropy if task == "classification" else F.mse_loss

times, metric = [], 0.0
gen = torch.Generator().manual_seed(1)
for epoch in range(epochs):
    t0 = time.perf_counter()
    net.train()
    order = torch.randperm(len(xt), generator=gen)
    for start in range(0, len(xt), batch):
        idx = order[start:start + batch]
        loss = loss_fn(net(xt.index_select(0, idx)), yt.index_select(0, idx))
        opt.zero_grad()
        loss.backward()
        opt.step()
        loss.item()
    net.eval()
    with torch.no_grad():
        out = net(xv)
        if task == "classification":
            F.cross_entropy(out, yv, reduction="sum").item()
            metric = out.argmax(1).eq(yv).sum().item() / len(yv)
        else:
            d = (out - yv).double()
            metric = 1.0 - d.pow(2).sum().item() / (yv.double() - yv.double().mean()).pow(2).sum().item()
            d.abs().sum().item()
    times.append(time.perf_counter() - t0)
median = statistics.median(sorted(times[1:]))
print(f"{median:.6f} {len(xt) / median:.1f} {metric:.4f}")
