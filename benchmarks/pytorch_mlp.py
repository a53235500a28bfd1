#!/usr/bin/python3
"""The PyTorch peer of benchmarks/train_throughput.cpp and benchmarks/magic_vs_pytorch.sh.

Trains the same dense ReLU MLP (float32, Adam, cosine learning rate per step, softmax
cross-entropy) with the same batch size and epochs, with a validation pass every epoch, and prints
training samples/s (training samples / wall time of the loop, validation included, like nas4ml's
figure) and the test accuracy. Data: the CSV splits written by `export_split` (identical rows to
nas4ml's), or random data of a given shape.

Run with Debian's interpreter (python3-torch): /usr/bin/python3 benchmarks/pytorch_mlp.py ...
"""
import argparse
import math
import os
import time

import numpy as np
import torch


def load_csv(path):
    a = np.loadtxt(path, delimiter=",", dtype=np.float64, ndmin=2)
    return torch.tensor(a[:, :-1], dtype=torch.float32), torch.tensor(a[:, -1], dtype=torch.int64)


def random_data(rows, features, classes, seed):
    g = torch.Generator().manual_seed(seed)
    def make(n):
        y = torch.randint(0, classes, (n,), generator=g)
        x = torch.randn(n, features, generator=g)
        x[torch.arange(n).unsqueeze(1), torch.arange(features).unsqueeze(0)] += (
            (torch.arange(features).unsqueeze(0) % classes) == y.unsqueeze(1)).float()
        return x, y
    return make(rows), make(rows // 4), make(rows // 4)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--csv-dir", help="folder with train.csv, validation.csv, test.csv (from export_split)")
    p.add_argument("--random", type=int, default=0, help="use random data with this many training rows")
    p.add_argument("--features", type=int, default=16, help="random data: number of features")
    p.add_argument("--classes", type=int, default=5, help="random data: number of classes")
    p.add_argument("--hidden", default="64,32,32", help="hidden layer widths, comma separated")
    p.add_argument("--batch", type=int, default=1024, help="mini-batch size")
    p.add_argument("--epochs", type=int, default=10, help="passes over the training split")
    p.add_argument("--lr", type=float, default=0.01, help="Adam learning rate (cosine decay per step)")
    p.add_argument("--threads", type=int, default=1, help="torch.set_num_threads")
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    if a.csv_dir:
        (xt, yt), (xv, yv), (xs, ys) = (load_csv(os.path.join(a.csv_dir, f + ".csv"))
                                        for f in ("train", "validation", "test"))
        classes = int(max(yt.max(), yv.max(), ys.max())) + 1
        name = os.path.basename(os.path.normpath(a.csv_dir))
    else:
        (xt, yt), (xv, yv), (xs, ys) = random_data(a.random, a.features, a.classes, a.seed)
        classes = a.classes
        name = f"random-{a.features}x{a.classes}"
    widths = [xt.shape[1]] + [int(h) for h in a.hidden.split(",") if h] + [classes]
    layers = []
    for i in range(len(widths) - 1):
        layers.append(torch.nn.Linear(widths[i], widths[i + 1]))
        if i + 2 < len(widths):
            layers.append(torch.nn.ReLU())
    model = torch.nn.Sequential(*layers)
    opt = torch.optim.Adam(model.parameters(), lr=a.lr, eps=1e-7)
    n = xt.shape[0]
    steps = a.epochs * math.ceil(n / a.batch)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: 0.5 * (1 + math.cos(math.pi * s / steps)))
    loss_fn = torch.nn.CrossEntropyLoss()
    t0 = time.perf_counter()
    for epoch in range(a.epochs):
        model.train()
        perm = torch.randperm(n)
        for s in range(0, n, a.batch):
            idx = perm[s:s + a.batch]
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(xt[idx]), yt[idx])
            loss.backward()
            opt.step()
            sched.step()
        model.eval()
        with torch.no_grad():
            for s in range(0, xv.shape[0], a.batch):
                loss_fn(model(xv[s:s + a.batch]), yv[s:s + a.batch])
    seconds = time.perf_counter() - t0
    with torch.no_grad():
        acc = (model(xs).argmax(1) == ys).float().mean().item()
    shape = "-".join(str(w) for w in widths)
    print(f"pytorch {torch.__version__} {name} {shape} epochs={a.epochs} rows={n} threads={a.threads}: "
          f"{n * a.epochs / seconds:.0f} samples/s; test accuracy {acc:.4f}")


if __name__ == "__main__":
    main()
