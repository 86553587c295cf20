#!/usr/bin/env python3
"""The lecture 7 MNIST convnet in PyTorch, timed on this machine, for side-by-side ratios with
`convlab bench --json` and `tf_convnet_bench.py` (see README.md beside this file).

    pip install torch          # the CPU wheels are enough; a CUDA wheel runs on the CPU too
    python3 Benchmarks/torch_convnet_bench.py [--threads 1 2] [--seconds 5]

Prints one JSON object per line, {"name": ..., "value": ..., "unit": ...}, per thread count T:
  torch_train_images_per_s_threadsT   Adam training step (forward, backward, update), batch 128
  torch_infer_images_per_s_threadsT   forward pass only, batch 128
  torch_conv2_forward_gflops_threadsT conv2 layer forward, [128,14,14,32] * [5,5,32,64] SAME
  torch_fc_forward_gflops_threadsT    fc layer forward, [128,3136] x [3136,1024] + bias (F.linear),
                                      beside `convlab bench --ops fc`'s fc_forward_gflops
and the same names without the suffix for the largest thread count, as tf_convnet_bench.py does.
Each figure is the better of PyTorch's two memory layouts, NCHW and channels_last (NHWC, the
layout ConvLab and TensorFlow use); the line's "layout" field says which. Each thread count runs
in its own child process (torch.set_num_threads and set_num_interop_threads, set before any work).
The network is ConvLab's `ModelRecipe.lecture7` including its dropout (keep 0.75), eager mode.
"""
import argparse
import json
import os
import subprocess
import sys

# The same batch, conv2 FLOP count and timing loop as the TensorFlow script (which imports
# TensorFlow only inside its own measure(), so importing it here costs nothing).
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tf_convnet_bench import BATCH, rates, timed  # noqa: E402

FC_INPUTS, FC_OUTPUTS = 7 * 7 * 64, 1024
FC_FLOPS = 2 * BATCH * FC_INPUTS * FC_OUTPUTS  # multiply + add per weight and image


def lecture7_net():
    """Lecture 7's network (ConvLab's `ModelRecipe.lecture7`) as an `nn.Sequential` in PyTorch's
    default initialization; `torch_train_accuracy.py` builds the same one and re-initializes it.

    conv 5x5x32 SAME + ReLU, max pool 2x2, conv 5x5x64 SAME + ReLU, max pool, dense 1024 + ReLU,
    dropout (keep 0.75), dense 10. TensorFlow's SAME for a 5x5 kernel at stride 1 pads
    (5 - 1) / 2 = 2 on every side, so `padding=2` is exact (an even kernel would pad one more
    at the bottom/right, which a symmetric `padding` cannot say). The 2x2 stride-2 pools see even
    sizes (28, 14), where SAME adds no padding, so PyTorch's unpadded `MaxPool2d(2)` is the same.
    """
    from torch import nn
    return nn.Sequential(
        nn.Conv2d(1, 32, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(7 * 7 * 64, 1024), nn.ReLU(), nn.Dropout(0.25),
        nn.Linear(1024, 10))


def measure(threads, seconds, layout):
    import numpy as np
    import torch
    import torch.nn.functional as F
    torch.set_num_threads(threads)
    torch.set_num_interop_threads(threads)
    torch.manual_seed(7)
    memory_format = torch.channels_last if layout == "channels_last" else torch.contiguous_format

    model = lecture7_net().to(memory_format=memory_format)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    rng = np.random.RandomState(7)
    x = torch.from_numpy(rng.uniform(0, 1, size=(BATCH, 1, 28, 28)).astype(np.float32))
    x = x.contiguous(memory_format=memory_format)
    y = torch.from_numpy(rng.randint(0, 10, size=BATCH)).long()

    def train_step():
        model.train()
        optimizer.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
        return loss.item()  # waits for the step (eager CPU ops are synchronous anyway)

    def infer():
        model.eval()
        with torch.inference_mode():
            return model(x).sum().item()

    h = torch.from_numpy(rng.uniform(0, 1, size=(BATCH, 32, 14, 14)).astype(np.float32))
    h = h.contiguous(memory_format=memory_format)
    w = torch.from_numpy(rng.uniform(-0.05, 0.05, size=(64, 32, 5, 5)).astype(np.float32))
    w = w.contiguous(memory_format=memory_format)

    def conv2():
        with torch.inference_mode():
            return F.conv2d(h, w, padding=2).sum().item()

    # The fc layer's product alone, in the layout nn.Linear keeps its weights ([out, in]); the
    # memory format does not apply to a matrix, so both layouts time the same call.
    features = torch.from_numpy(rng.uniform(0, 1, size=(BATCH, FC_INPUTS)).astype(np.float32))
    fc_weights = torch.from_numpy(rng.uniform(-0.02, 0.02, size=(FC_OUTPUTS, FC_INPUTS)).astype(np.float32))
    fc_bias = torch.zeros(FC_OUTPUTS)

    def fc():
        with torch.inference_mode():
            return F.linear(features, fc_weights, fc_bias).sum().item()

    train = timed(train_step, seconds)
    inference = timed(infer, seconds)
    conv = timed(conv2, seconds)
    figures = rates("torch", train, inference, conv)
    figures["torch_fc_forward_gflops"] = (FC_FLOPS / timed(fc, seconds) / 1e9, "GFLOP/s")
    return figures


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--seconds", type=float, default=5.0, help="time spent per figure and layout (about)")
    ap.add_argument("--layouts", nargs="+", default=["nchw", "channels_last"], choices=["nchw", "channels_last"])
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(measure(args.threads[0], args.seconds, args.layouts[0])))
        return
    figures = {}
    for threads in args.threads:
        best = {}
        for layout in args.layouts:
            out = subprocess.run([sys.executable, __file__, "--child", "--threads", str(threads),
                                  "--seconds", str(args.seconds), "--layouts", layout],
                                 check=True, capture_output=True, text=True).stdout
            for name, (value, unit) in json.loads(out.strip().splitlines()[-1]).items():
                if name not in best or value > best[name][0]:
                    best[name] = (value, unit, layout)
        figures[threads] = best
        for name, (value, unit, layout) in best.items():
            print(json.dumps({"name": f"{name}_threads{threads}", "value": round(value, 3), "unit": unit,
                              "threads": threads, "layout": layout}), flush=True)
    top = max(args.threads)
    for name, (value, unit, layout) in figures[top].items():
        print(json.dumps({"name": name, "value": round(value, 3), "unit": unit, "threads": top, "layout": layout}))


if __name__ == "__main__":
    main()
