"""The two benchmark models in PyTorch (the same layers, Adam, batch 128), timed like bench/train/worker.mjs:
one untimed warm-up round, then rounds of `steps` training steps; steady state = first to last completed step.
Prints one JSON line. Usage: python3 bench/train/torch_bench.py --model mlp --threads 1 [--rounds 5] [--steps 40]
"""

import argparse
import json
import resource
import statistics
import time

import torch
from torch import nn

BATCH = 128


def make_model(name):
    if name == "mlp":
        return nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10)), (784,), 1e-3
    model = nn.Sequential(
        nn.Conv2d(1, 20, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(20, 40, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(7 * 7 * 40, 256), nn.ReLU(), nn.Dropout(0.5),
        nn.Linear(256, 256), nn.ReLU(), nn.Dropout(0.5),
        nn.Linear(256, 10),
    )
    return model, (1, 28, 28), 0.002


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model", default="mlp", choices=["mlp", "cnn"])
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--steps", type=int, default=40)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    model, shape, lr = make_model(a.model)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = nn.CrossEntropyLoss()
    x = torch.rand(a.steps * BATCH, *shape)
    y = torch.randint(0, 10, (a.steps * BATCH,))
    batches = [(x[i * BATCH:(i + 1) * BATCH], y[i * BATCH:(i + 1) * BATCH]) for i in range(a.steps)]
    model.train()

    def one_round():
        stamps = []
        t0 = time.perf_counter()
        for bx, by in batches:
            opt.zero_grad()
            loss = loss_fn(model(bx), by)
            loss.backward()
            opt.step()
            loss.item()  # read the loss every step, as the JS loops do
            stamps.append(time.perf_counter())
        return time.perf_counter() - t0, stamps

    one_round()  # warm-up
    steady, wall = [], []
    for _ in range(a.rounds):
        w, s = one_round()
        wall.append(a.steps * BATCH / w)
        steady.append(BATCH / ((s[-1] - s[0]) / (len(s) - 1)) if len(s) > 1 else a.steps * BATCH / w)
    print(json.dumps({
        "model": a.model, "threads": torch.get_num_threads(), "batch": BATCH, "steps": a.steps,
        "rounds": a.rounds, "torch": torch.__version__,
        "steadyExPerSec": statistics.median(steady), "wallExPerSec": statistics.median(wall),
        "roundsSteady": steady,
        "peakRssMB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }))


if __name__ == "__main__":
    main()
