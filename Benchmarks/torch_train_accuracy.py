#!/usr/bin/env python3
"""Train lecture 7's MNIST convnet in PyTorch and print what `convlab train --json` prints.

The PyTorch twin of `tf_train_accuracy.py --model lecture7`, for issue #20's wall-time target:
a full 60,000-digit epoch plus the test pass, timed in ConvLab, TensorFlow and PyTorch on the
same machine. One JSON object per epoch, as the TensorFlow script prints it,
{"epoch", "test_accuracy", "train_loss", "seconds", "seed", "model", ...}, where "seconds" is the
epoch's wall time including its test pass (data loading and start-up are outside it) and
"wall_seconds" is the wall time since the script started (torch import, data loading and every
earlier epoch included; the last line's is the whole run), so the three libraries can be compared
per epoch or, with `/usr/bin/time`, per process:

    pip install torch          # the CPU wheels are enough; a CUDA wheel runs on the CPU too
    python3 Benchmarks/torch_train_accuracy.py --epochs 1 --threads 2
    python3 Benchmarks/torch_train_accuracy.py --epochs 3 --seeds 1 2 3 --threads 2 --channels-last
    /usr/bin/time -v python3 Benchmarks/torch_train_accuracy.py --epochs 1 --threads 2

and, beside it, the other two libraries' epoch on the same data:

    swift run -c release convlab train --model lecture7 --data ../shared/data/mnist --epochs 1 --json
    python3 Benchmarks/tf_train_accuracy.py --model lecture7 --epochs 1 --threads 2

The recipe is ConvLab's `lecture7` (Sources/ConvLabNN/Training/Models.swift): conv 5x5x32 SAME +
ReLU, 2x2 max pool, conv 5x5x64 SAME + ReLU, 2x2 max pool, dense 1024 + ReLU, dropout (keep
0.75), dense 10 (the network of `torch_convnet_bench.py`); Glorot-uniform weights and zero biases;
softmax cross-entropy; Adam, learning rate 1e-3, batch 128 (the last batch of an epoch has the
remaining 96 digits, as in the TensorFlow script); all 60,000 training digits in a new seeded
order each epoch (numpy's `default_rng(seed).permutation`, as the TensorFlow script draws it); the
test pass scores the 10,000 test digits in eval mode (dropout off), 500 at a time. Train loss is
the mean of the epoch's batch losses. PyTorch flattens the last pool's output in (channel, row,
column) order where TensorFlow and ConvLab use (row, column, channel): a fixed permutation of
the dense layer's 3,136 inputs, which changes neither the work nor the initial distribution.

Adam's epsilon is PyTorch's default, 1e-8; Keras, TensorFlow's script and ConvLab's `lecture7`
use 1e-7 (`--adam-epsilon 1e-7` to match them; it changes nothing measurable in the time).
`--limit N` trains on the first N training digits only (a quick check; the test pass stays whole).
"""
import argparse
import json
import os
import sys
import time

START = time.time()

import numpy as np  # noqa: E402

# The MNIST reader of the TensorFlow script (which imports TensorFlow only inside its main) and
# the network of the PyTorch benchmark (which imports torch only inside its functions).
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tf_train_accuracy import load  # noqa: E402
from torch_convnet_bench import lecture7_net  # noqa: E402


def glorot_uniform_zero_bias(torch, model):
    """Keras's default initialization, ConvLab's `lecture7`: weights uniform in +-sqrt(6 / (fan_in
    + fan_out)), fans counted over the kernel's taps for a convolution; biases zero."""
    for layer in model.modules():
        if isinstance(layer, (torch.nn.Conv2d, torch.nn.Linear)):
            torch.nn.init.xavier_uniform_(layer.weight)
            torch.nn.init.zeros_(layer.bias)


def run(torch, args, seed, train_x, train_y, test_x, test_y):
    import torch.nn.functional as F
    memory_format = torch.channels_last if args.channels_last else torch.contiguous_format
    torch.manual_seed(seed)  # the initial weights and the dropout masks
    model = lecture7_net()
    glorot_uniform_zero_bias(torch, model)
    model = model.to(memory_format=memory_format)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, eps=args.adam_epsilon)
    count, batch = len(train_y), 128
    rng = np.random.default_rng(seed)
    for epoch in range(1, args.epochs + 1):
        start = time.time()
        order = torch.from_numpy(rng.permutation(count))
        model.train()
        losses = []
        for first in range(0, count, batch):
            idx = order[first:first + batch]
            x = train_x[idx].contiguous(memory_format=memory_format)
            optimizer.zero_grad(set_to_none=True)
            loss = F.cross_entropy(model(x), train_y[idx])
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        model.eval()
        correct = 0
        with torch.inference_mode():
            for first in range(0, len(test_y), 500):
                logits = model(test_x[first:first + 500].contiguous(memory_format=memory_format))
                correct += int((logits.argmax(dim=1) == test_y[first:first + 500]).sum())
        now = time.time()
        print(json.dumps({"epoch": epoch, "test_accuracy": round(correct / len(test_y), 4),
                          "train_loss": round(float(np.mean(losses)), 5),
                          "seconds": round(now - start, 1), "seed": seed, "model": "lecture7",
                          "init": "glorot_uniform", "library": f"torch {torch.__version__}",
                          "threads": torch.get_num_threads(),
                          "layout": "channels_last" if args.channels_last else "nchw",
                          "train_digits": count, "wall_seconds": round(now - START, 1)}),
              flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data", "mnist"))
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--seeds", type=int, nargs="+", default=[1])
    ap.add_argument("--threads", type=int, default=2, help="torch.set_num_threads (intra-op); inter-op is 1")
    ap.add_argument("--channels-last", action="store_true", help="NHWC memory layout (ConvLab's and TF's)")
    ap.add_argument("--adam-epsilon", type=float, default=1e-8)
    ap.add_argument("--limit", type=int, help="train on the first N training digits only")
    args = ap.parse_args()
    if args.epochs < 1 or args.threads < 1 or (args.limit is not None and not 1 <= args.limit <= 60000):
        ap.error("--epochs and --threads must be at least 1, --limit between 1 and 60000")

    import torch
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)  # as the TensorFlow script sets its inter-op pool

    train_x, train_y, test_x, test_y = load(args.data, 60000)
    if args.limit is not None:
        train_x, train_y = train_x[:args.limit], train_y[:args.limit]
    # The reader gives [N, 28, 28, 1] (NHWC); with one channel, NCHW [N, 1, 28, 28] is the same bytes.
    train_x = torch.from_numpy(np.ascontiguousarray(train_x)).reshape(-1, 1, 28, 28)
    test_x = torch.from_numpy(np.ascontiguousarray(test_x)).reshape(-1, 1, 28, 28)
    train_y, test_y = torch.from_numpy(train_y), torch.from_numpy(test_y)
    for seed in args.seeds:
        run(torch, args, seed, train_x, train_y, test_x, test_y)


if __name__ == "__main__":
    main()
