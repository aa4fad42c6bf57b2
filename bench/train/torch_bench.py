"""The two benchmark models in PyTorch (the same layers, Adam, batch 128), timed like bench/train/worker.mjs:
one untimed warm-up round, then rounds of `steps` training steps; steady state = first to last completed step.
Prints one JSON line. Usage: python3 bench/train/torch_bench.py --model mlp --threads 1 [--rounds 5] [--steps 40]
       python3 bench/train/torch_bench.py --blas-only   # just which BLAS torch loaded

A PyTorch figure is only a fair peer when torch runs on an optimized BLAS. Debian's python3-torch links the
generic `libblas.so.3` (so `torch.__config__.show()` says BLAS_INFO=generic whatever is installed) and the
alternatives system decides which library that is: OpenBLAS with `libopenblas0-pthread`, else the reference
BLAS (~6 GFLOP/s), which makes torch 4-15x slower. So the verdict comes from the library actually mapped into
this process (/proc/self/maps), not from the build string; against the reference BLAS this script refuses to time.
"""

import argparse
import ctypes
import json
import os
import re
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


def blas_info():
    """Which BLAS this torch process runs on: the build string, the libraries mapped, and OpenBLAS's own words."""
    build = re.search(r"BLAS_INFO=([^,\s]+)", torch.__config__.show())
    torch.rand(8, 8) @ torch.rand(8, 8)  # make sure the BLAS is loaded before reading the maps
    with open("/proc/self/maps") as maps:
        libs = sorted({line.split()[-1] for line in maps if re.search(r"/lib[^/]*(blas|mkl|blis)[^/]*\.so", line)})
    info = {"buildInfo": build.group(1) if build else None, "libraries": libs, "kind": None,
            "name": None, "coreName": None, "threads": None}
    openblas = [l for l in libs if "libopenblas" in os.path.basename(l)]
    if openblas:
        lib = ctypes.CDLL(openblas[0])
        lib.openblas_get_config.restype = ctypes.c_char_p
        lib.openblas_get_corename.restype = ctypes.c_char_p
        info.update(kind="openblas", name=lib.openblas_get_config().decode(),
                    coreName=lib.openblas_get_corename().decode(), threads=lib.openblas_get_num_threads())
    elif any("mkl" in os.path.basename(l) for l in libs):
        info.update(kind="mkl", name="Intel MKL")
    elif any("blis" in os.path.basename(l) for l in libs):
        info.update(kind="blis", name="BLIS")
    elif any(re.search(r"/blas/libblas\.so", l) for l in libs):
        info.update(kind="reference", name="reference BLAS (netlib, " + ", ".join(libs) + ")")
    else:
        info.update(kind="unknown", name="no BLAS library found among " + (", ".join(libs) or "the mapped files"))
    info["optimized"] = info["kind"] in ("openblas", "mkl", "blis")
    # OpenBLAS work-arounds some machines set for old bugs; bench/run.mjs unsets them for this process only.
    info["env"] = {k: os.environ[k] for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS",
                                              "OMP_NUM_THREADS") if k in os.environ}
    return info


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model", default="mlp", choices=["mlp", "cnn"])
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--steps", type=int, default=40)
    p.add_argument("--warmup-rounds", type=int, default=1, help="untimed rounds first (as the JS workers get)")
    p.add_argument("--blas-only", action="store_true", help="print which BLAS torch loaded, train nothing")
    p.add_argument("--allow-reference-blas", action="store_true", help="time torch even on the reference BLAS")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    blas = blas_info()
    if a.blas_only or (not blas["optimized"] and not a.allow_reference_blas):
        refused = None if blas["optimized"] else (
            f"torch runs on {blas['name']} (BLAS_INFO={blas['buildInfo']}), not an optimized BLAS: a PyTorch figure "
            "would be 4-15x too slow to compare with. Install one: apt-get install libopenblas0-pthread")
        print(json.dumps({"model": a.model, "threads": a.threads, "torch": torch.__version__, "blas": blas,
                          "refused": refused}))
        return
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

    for _ in range(a.warmup_rounds):
        one_round()  # warm-up
    steady, wall = [], []
    for _ in range(a.rounds):
        w, s = one_round()
        wall.append(a.steps * BATCH / w)
        steady.append(BATCH / ((s[-1] - s[0]) / (len(s) - 1)) if len(s) > 1 else a.steps * BATCH / w)
    # the BLAS's best matmul rate on square products at this thread count: the peak the model's GFLOP/s is set against
    peak = 0.0
    for n in (256, 512, 1024):
        ma, mb = torch.rand(n, n), torch.rand(n, n)
        ma @ mb
        for _ in range(3):
            t0 = time.perf_counter()
            ma @ mb
            peak = max(peak, 2 * n ** 3 / (time.perf_counter() - t0) / 1e9)
    print(json.dumps({
        "model": a.model, "threads": torch.get_num_threads(), "batch": BATCH, "steps": a.steps,
        "rounds": a.rounds, "torch": torch.__version__, "blas": blas, "refused": None,
        "steadyExPerSec": statistics.median(steady), "wallExPerSec": statistics.median(wall),
        "roundsSteady": steady,
        "peakRssMB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "matmulGflops": peak,
    }))


if __name__ == "__main__":
    main()
