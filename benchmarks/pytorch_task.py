#!/usr/bin/python3
"""The PyTorch peer of benchmarks/tasks_vs_pytorch.sh: a float32 network of the same shape as
nas4ml's model spec, trained on the very same prepared rows (written by task_bench), with Adam,
a cosine learning rate per step, the same batch size, epochs and early stopping on the validation
loss (patience), PyTorch's default initialization or nas4ml's (--init nas4ml), then measured with the same metric definitions:

- regression: Huber (delta 1) or MSE loss in standardized units; resolution = population std of
  the relative error in raw units (y = y' / scale + offset, given on the command line), bias =
  its mean;
- autoencoder: MSE reconstruction loss fitted on background rows (label 0) only; the score is
  the sum of squared reconstruction errors (float); AUC (Mann-Whitney, ties one half) and the TPR
  at FPR 1e-2, 1e-3, 1e-4 (flag above the (k+1)-th highest background score, k = floor(rate * n_b));
- vae: a variational autoencoder (encoder with mu and log-variance heads, reparameterized sample,
  decoder of the encoder's hidden layers mirrored), loss = mean squared reconstruction error +
  beta * KL(N(mu, sigma^2) || N(0, 1)) fitted on background rows; the validation loss decodes mu
  itself (as nas4ml); the score is sum mu^2 of the encoder's means (encoder-only deployment).

Run with Debian's interpreter: /usr/bin/python3 benchmarks/pytorch_task.py ...
"""
import argparse
import json
import math

import numpy as np
import torch


def load(path):
    return np.loadtxt(path, delimiter=",", dtype=np.float64, ndmin=2)


def auc(scores, positive):
    order = np.argsort(scores, kind="mergesort")
    s = scores[order]
    ranks = np.empty(len(s))
    i = 0
    while i < len(s):
        j = i
        while j < len(s) and s[j] == s[i]:
            j += 1
        ranks[i:j] = 0.5 * (i + 1 + j)
        i = j
    r = np.empty(len(s))
    r[order] = ranks
    n_pos = positive.sum()
    n_neg = len(s) - n_pos
    return (r[positive == 1].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)


def tpr_at_fpr(scores, positive, rate):
    bg = np.sort(scores[positive == 0])[::-1]
    k = int(math.floor(rate * len(bg)))
    if k >= len(bg):
        return 1.0
    return float((scores[positive == 1] > bg[k]).mean())


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--dir", required=True)
    p.add_argument("--task", choices=["regression", "autoencoder", "vae"], required=True)
    p.add_argument("--hidden", required=True, help="e.g. 32,16")
    p.add_argument("--epochs", type=int, default=30)
    p.add_argument("--batch", type=int, default=256)
    p.add_argument("--lr", type=float, default=0.003)
    p.add_argument("--patience", type=int, default=8)
    p.add_argument("--loss", default="huber")
    p.add_argument("--offset", type=float, default=0.0)
    p.add_argument("--scale", type=float, default=1.0)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--latent", type=int, default=3, help="vae: latent size")
    p.add_argument("--beta", type=float, default=1.0, help="vae: weight of the KL term")
    p.add_argument("--init", choices=["pytorch", "nas4ml"], default="pytorch",
                   help="nas4ml: He-normal hidden, Glorot-uniform output weights and zero biases, as nas4ml initializes")
    a = p.parse_args()
    torch.manual_seed(a.seed)
    torch.set_num_threads(1)
    tr, va, te = (load(f"{a.dir}/{s}.csv") for s in ("train", "validation", "test"))
    if a.task in ("autoencoder", "vae"):
        n_in = tr.shape[1] - 1
        tr, va = tr[tr[:, -1] == 0], va[va[:, -1] == 0]
        split = lambda m: (torch.tensor(m[:, :n_in], dtype=torch.float32),) * 2
        n_out = n_in
    else:
        n_in = tr.shape[1] - 1
        split = lambda m: (torch.tensor(m[:, :n_in], dtype=torch.float32), torch.tensor(m[:, n_in:], dtype=torch.float32))
        n_out = 1
    xtr, ytr = split(tr)
    xva, yva = split(va)
    layers, last = [], n_in
    for h in [int(u) for u in a.hidden.split(",")]:
        layers += [torch.nn.Linear(last, h), torch.nn.ReLU()]
        last = h
    layers.append(torch.nn.Linear(last, 2 * a.latent if a.task == "vae" else n_out))
    net = torch.nn.Sequential(*layers)
    if a.task == "vae":
        dec, last = [], a.latent
        for h in reversed([int(u) for u in a.hidden.split(",")]):
            dec += [torch.nn.Linear(last, h), torch.nn.ReLU()]
            last = h
        dec.append(torch.nn.Linear(last, n_in))
        decoder = torch.nn.Sequential(*dec)
        z_n = a.latent

        def vae_loss(x, sample):
            h = net(x)
            mu, lv = h[:, :z_n], h[:, z_n:]
            z = mu + torch.exp(0.5 * lv) * torch.randn_like(mu) if sample else mu
            rec = ((decoder(z) - x) ** 2).mean(dim=1)
            kl = 0.5 * (mu ** 2 + torch.exp(lv) - 1 - lv).sum(dim=1)
            return (rec + a.beta * kl).mean()
    if a.init == "nas4ml":
        for mod in list(net) + (list(decoder) if a.task == "vae" else []):
            if isinstance(mod, torch.nn.Linear):
                torch.nn.init.zeros_(mod.bias)
                if mod is layers[-1] or (a.task == "vae" and mod is dec[-1]):
                    torch.nn.init.xavier_uniform_(mod.weight)
                else:
                    torch.nn.init.kaiming_normal_(mod.weight, nonlinearity="relu")
    loss_fn = torch.nn.HuberLoss(delta=1.0) if (a.task == "regression" and a.loss == "huber") else torch.nn.MSELoss()
    params = list(net.parameters()) + (list(decoder.parameters()) if a.task == "vae" else [])
    opt = torch.optim.Adam(params, lr=a.lr, eps=1e-7)
    steps = a.epochs * math.ceil(len(xtr) / a.batch)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: 0.5 * (1 + math.cos(math.pi * min(s, steps) / steps)))
    best, best_state, since = float("inf"), None, 0
    for _ in range(a.epochs):
        perm = torch.randperm(len(xtr))
        for i in range(0, len(xtr), a.batch):
            idx = perm[i:i + a.batch]
            opt.zero_grad()
            (vae_loss(xtr[idx], True) if a.task == "vae" else loss_fn(net(xtr[idx]), ytr[idx])).backward()
            opt.step()
            sched.step()
        with torch.no_grad():
            v = (vae_loss(xva, False) if a.task == "vae" else loss_fn(net(xva), yva)).item()
        if v < best:
            best, best_state, since = v, {k: t.clone() for k, t in net.state_dict().items()}, 0
        else:
            since += 1
            if since >= a.patience:
                break
    net.load_state_dict(best_state)
    with torch.no_grad():
        if a.task in ("autoencoder", "vae"):
            x = torch.tensor(te[:, :n_in], dtype=torch.float32)
            if a.task == "vae":
                score = (net(x)[:, :a.latent] ** 2).sum(dim=1).double().numpy()
            else:
                score = ((net(x) - x) ** 2).sum(dim=1).double().numpy()
            lab = te[:, -1].astype(np.int64)
            out = {"auc": auc(score, lab)}
            for r in ("1e-2", "1e-3", "1e-4"):
                out["tpr_at_fpr_" + r] = tpr_at_fpr(score, lab, float(r))
        else:
            x = torch.tensor(te[:, :n_in], dtype=torch.float32)
            pred = net(x).double().numpy()[:, 0] / a.scale + a.offset
            true = te[:, n_in] / a.scale + a.offset
            ok = true != 0
            rel = (pred[ok] - true[ok]) / true[ok]
            out = {"mse": float(((pred - true) ** 2).mean()), "resolution": float(rel.std()), "bias": float(rel.mean())}
    out["seed"] = a.seed
    print(json.dumps(out))


if __name__ == "__main__":
    main()
