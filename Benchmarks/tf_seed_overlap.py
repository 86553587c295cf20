#!/usr/bin/env python3
"""Do consecutive seeds of tf_train_accuracy.py's lecture7-2017 runs draw independent initial weights?

The TensorFlow rebuild of the 2017 script draws its eight initial tensors, in order, from
`tf.random.Generator.from_seed(seed)`: truncated-normal weights and plain normal biases. This script
draws them for seeds 1 and 2 the same way (and, with --independent-seeds, the way
`tf_train_accuracy.py --independent-seeds` does) and prints, per tensor, the shift k at which seed 2's
values best repeat seed 1's, the share of positions equal at that shift, and the share of seed 2's
float32 values found anywhere in seed 1's tensor. Independent draws share next to nothing.

    python3 Benchmarks/tf_seed_overlap.py
    python3 Benchmarks/tf_seed_overlap.py --independent-seeds
"""
import argparse
import os

import numpy as np

SHAPES = [("conv1/weights", [5, 5, 1, 32]), ("conv1/biases", [32]), ("conv2/weights", [5, 5, 32, 64]),
          ("conv2/biases", [64]), ("fc/weights", [3136, 1024]), ("fc/biases", [1024]),
          ("softmax_linear/weights", [1024, 10]), ("softmax_linear/biases", [10])]


def draws(tf, seed, independent):
    if independent:
        key = np.random.SeedSequence(seed).generate_state(1, dtype=np.uint64).view(np.int64)[0]
        generator = tf.random.Generator.from_state(tf.constant([0, 0, key], dtype=tf.int64), alg="philox")
    else:
        generator = tf.random.Generator.from_seed(seed)
    return [(generator.truncated_normal(shape, stddev=1.0) if name.endswith("weights")
             else generator.normal(shape, stddev=1.0)).numpy().ravel() for name, shape in SHAPES]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--independent-seeds", action="store_true")
    args = ap.parse_args()
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import tensorflow as tf
    one, two = draws(tf, 1, args.independent_seeds), draws(tf, 2, args.independent_seeds)
    print(f"{'tensor':24s} {'count':>9s} {'shift':>5s} {'equal at shift':>14s} {'values shared':>13s}")
    for (name, _), a, b in zip(SHAPES, one, two):
        n = len(b) - 8
        equal = [float(np.mean(a[k:k + n] == b[:n])) for k in range(9)]
        k = int(np.argmax(equal))
        shared = len(set(a.tolist()) & set(b.tolist())) / len(b)
        print(f"{name:24s} {len(b):9,d} {k:5d} {equal[k]:14.4f} {shared:13.4f}")


if __name__ == "__main__":
    main()
