"""A PyTorch training script tuned by rungs as a command trial.

It trains an MLP classifier on a data set in rungs' HDF5 layout (/train/x,
/train/y, /val/x, /val/y; `rungs data synth` writes one), reads it with
h5py, and reports val_loss and val_accuracy after every epoch through the
rungs_trial helper. A promoted trial continues from its checkpoint.

Under rungs-sweep (examples/pytorch/sweep.yaml):
    rungs-sweep --workers 2 --config examples/pytorch/sweep.yaml --archive runs/pytorch.h5
Alone, for debugging (reports go to stderr):
    python3 examples/pytorch/train.py --data data/demo.h5
"""

import argparse
import os
import sys

import h5py
import torch
from torch import nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "python"))
import rungs_trial  # noqa: E402


def load(path, split):
    with h5py.File(path, "r") as f:
        x = torch.from_numpy(f[split]["x"][...]).float()
        y = torch.from_numpy(f[split]["y"][...]).long()
    return x.reshape(len(x), -1), y


def make_model(features, classes, width, depth):
    layers, size = [], features
    for _ in range(depth):
        layers += [nn.Linear(size, width), nn.ReLU()]
        size = width
    layers.append(nn.Linear(size, classes))
    return nn.Sequential(*layers)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True)
    parser.add_argument("--batch-size", type=int, default=128)
    args = parser.parse_args()

    trial = rungs_trial.from_env(
        defaults={"lr": 0.01, "width": 64, "depth": 2, "optimizer": "adam"}, epochs=3)
    torch.set_num_threads(trial.threads)
    torch.manual_seed(trial.seed)
    device = torch.device("cuda" if trial.device.startswith("cuda") else "cpu")

    train_x, train_y = load(args.data, "train")
    val_x, val_y = load(args.data, "val")
    classes = int(max(train_y.max(), val_y.max())) + 1
    p = trial.params
    model = make_model(train_x.shape[1], classes, int(p["width"]), int(p["depth"])).to(device)
    if p["optimizer"] == "sgd":
        optimizer = torch.optim.SGD(model.parameters(), lr=p["lr"], momentum=0.9)
    else:
        optimizer = torch.optim.Adam(model.parameters(), lr=p["lr"])
    generator = torch.Generator().manual_seed(trial.seed)

    if trial.resume_path:
        state = torch.load(trial.resume_path)
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        generator.set_state(state["generator"])
        print(f"trial {trial.id}: resuming at step {trial.from_resource}", flush=True)

    loss_fn = nn.CrossEntropyLoss()
    train_x, train_y = train_x.to(device), train_y.to(device)
    val_x, val_y = val_x.to(device), val_y.to(device)
    for epoch in trial.epochs():
        model.train()
        order = torch.randperm(len(train_x), generator=generator).to(device)
        for start in range(0, len(order), args.batch_size):
            batch = order[start:start + args.batch_size]
            optimizer.zero_grad()
            loss_fn(model(train_x[batch]), train_y[batch]).backward()
            optimizer.step()
        model.eval()
        with torch.no_grad():
            logits = model(val_x)
            val_loss = loss_fn(logits, val_y).item()
            val_accuracy = (logits.argmax(1) == val_y).float().mean().item()
        trial.report(epoch, val_loss=val_loss, val_accuracy=val_accuracy)
        if trial.should_checkpoint(epoch):
            torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(),
                        "generator": generator.get_state()}, trial.checkpoint_path(epoch))
            trial.checkpointed(epoch)


if __name__ == "__main__":
    main()
