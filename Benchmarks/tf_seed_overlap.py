#!/usr/bin/env python3
"""Do consecutive seeds of tf_train_accuracy.py's lecture7-2017 runs draw independent initial weights?

The TensorFlow rebuild of the 2017 script draws its eight initial tensors, in order, from
`tf.random.Generator.from_seed(seed)`: truncated-normal weights and plain normal biases. This script
draws them for seeds 1 and 2 the same way (and, with --independent-seeds, the way
`tf_train_accuracy.py --independent-seeds` does) and prints, per tensor, the shift k at which seed 2's
values best repeat seed 1's, the share of positions equal at that shift, and the share of seed 2's
float32 values found anywhere in seed 1's tensor. Independent draws share next to nothing.

With --keras it checks the Keras models instead (`--model lecture7` and the others): their layer i
is seeded `seed + i` (`keras_layer_seed`), so it prints, for each of seed 2's kernels, the
correlation of its values with the first as many values of each of seed 1's kernels. Keras draws
the same uniforms for the same seed whatever the shape, so seed 2's layer i repeats seed 1's layer
i + 1 (correlation 1); with --independent-seeds every pair is near 0.

    python3 Benchmarks/tf_seed_overlap.py
    python3 Benchmarks/tf_seed_overlap.py --independent-seeds
    python3 Benchmarks/tf_seed_overlap.py --keras [--independent-seeds]
"""
import argparse
import os

import numpy as np

from tf_train_accuracy import SCRIPT2017_VARIABLES, build, script2017_generator, script2017_initial


def draws(tf, seed, independent):
    generator = script2017_generator(tf, seed, independent)
    return [value.numpy().ravel() for value in script2017_initial(tf, generator)]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--independent-seeds", action="store_true")
    ap.add_argument("--keras", action="store_true", help="lecture7's Keras model instead of the 2017 rebuild")
    args = ap.parse_args()
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import tensorflow as tf
    if args.keras:
        kernels = {seed: [v.numpy().ravel() for v in build(tf, "lecture7", "glorot_uniform", "zeros", seed,
                                                            args.independent_seeds)[0].trainable_variables if v.ndim > 1]
                   for seed in (1, 2)}
        print("correlation of seed 2's kernel (row) with the head of seed 1's kernel (column)")
        print(f"{'':10s}" + "".join(f"{'layer ' + str(i + 1):>10s}" for i in range(len(kernels[1]))))
        for j, b in enumerate(kernels[2]):
            cells = [np.corrcoef(a[:len(b)], b[:len(a)])[0, 1] for a in kernels[1]]
            print(f"{'layer ' + str(j + 1):10s}" + "".join(f"{c:10.4f}" for c in cells))
        return
    one, two = draws(tf, 1, args.independent_seeds), draws(tf, 2, args.independent_seeds)
    print(f"{'tensor':24s} {'count':>9s} {'shift':>5s} {'equal at shift':>14s} {'values shared':>13s}")
    for (name, _), a, b in zip(SCRIPT2017_VARIABLES, one, two):
        n = len(b) - 8
        equal = [float(np.mean(a[k:k + n] == b[:n])) for k in range(9)]
        k = int(np.argmax(equal))
        shared = len(set(a.tolist()) & set(b.tolist())) / len(b)
        print(f"{name:24s} {len(b):9,d} {k:5d} {equal[k]:14.4f} {shared:13.4f}")


if __name__ == "__main__":
    main()
