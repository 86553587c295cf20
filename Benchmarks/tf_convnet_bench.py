#!/usr/bin/env python3
"""The lecture 7 MNIST convnet in TensorFlow, timed on this machine, for side-by-side ratios with
`convlab bench --json` (see README.md beside this file).

    pip install tensorflow-cpu==2.21.0
    python3 Benchmarks/tf_convnet_bench.py [--threads 1 2] [--seconds 5]

Prints one JSON object per line, {"name": ..., "value": ..., "unit": ...}, per thread count T:
  tf_train_images_per_s_threadsT   Adam training step (forward, backward, update), batch 128
  tf_infer_images_per_s_threadsT   forward pass only, batch 128
  tf_conv2_forward_gflops_threadsT conv2 layer forward, [128,14,14,32] * [5,5,32,64] SAME
and the same names without the suffix for the largest thread count (the issue's 2-thread targets).
Thread counts are set with tf.config.threading (intra- and inter-op), which TF accepts only
before it starts, so each count runs in its own child process.
"""
import argparse
import json
import os
import subprocess
import sys
import time

BATCH = 128
CONV2_FLOPS = 2 * BATCH * 14 * 14 * 64 * 5 * 5 * 32  # multiply + add per tap


def rates(prefix, train, inference, conv):
    """The three figures from seconds per call, named with the library's prefix (tf, torch)."""
    return {f"{prefix}_train_images_per_s": (BATCH / train, "images/s"),
            f"{prefix}_infer_images_per_s": (BATCH / inference, "images/s"),
            f"{prefix}_conv2_forward_gflops": (CONV2_FLOPS / conv / 1e9, "GFLOP/s")}


def timed(step, seconds, min_runs=5):
    """Median seconds per call over blocks of calls lasting about `seconds` in total."""
    step()  # trace and warm up
    step()
    start = time.perf_counter()
    step()
    once = max(time.perf_counter() - start, 1e-6)
    per_block = max(1, int(seconds / 5 / once))
    samples = []
    for _ in range(max(min_runs, 5)):
        start = time.perf_counter()
        for _ in range(per_block):
            step()
        samples.append((time.perf_counter() - start) / per_block)
    samples.sort()
    return samples[len(samples) // 2]


def measure(threads, seconds):
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import numpy as np
    import tensorflow as tf
    tf.config.threading.set_intra_op_parallelism_threads(threads)
    tf.config.threading.set_inter_op_parallelism_threads(threads)
    keras = tf.keras
    layers = keras.layers
    keras.utils.set_random_seed(7)

    # Lecture 7: conv 5x5x32 SAME + relu, pool 2x2, conv 5x5x64 SAME + relu, pool, dense 1024 + relu, dense 10.
    model = keras.Sequential([
        keras.Input((28, 28, 1)),
        layers.Conv2D(32, 5, padding="same", activation="relu"),
        layers.MaxPooling2D(2, padding="same"),
        layers.Conv2D(64, 5, padding="same", activation="relu"),
        layers.MaxPooling2D(2, padding="same"),
        layers.Flatten(),
        layers.Dense(1024, activation="relu"),
        layers.Dense(10),
    ])
    optimizer = keras.optimizers.Adam(1e-3)
    loss_fn = keras.losses.CategoricalCrossentropy(from_logits=True)
    rng = np.random.RandomState(7)
    x = tf.constant(rng.uniform(0, 1, size=(BATCH, 28, 28, 1)).astype(np.float32))
    y = tf.constant(np.eye(10, dtype=np.float32)[rng.randint(0, 10, size=BATCH)])

    @tf.function
    def train_step():
        with tf.GradientTape() as tape:
            loss = loss_fn(y, model(x, training=True))
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss

    @tf.function
    def infer():
        return model(x, training=False)

    h = tf.constant(rng.uniform(0, 1, size=(BATCH, 14, 14, 32)).astype(np.float32))
    w = tf.constant(rng.uniform(-0.05, 0.05, size=(5, 5, 32, 64)).astype(np.float32))

    @tf.function
    def conv2():
        return tf.nn.conv2d(h, w, strides=1, padding="SAME")

    # .numpy() waits for the result, so each call is timed to completion.
    train = timed(lambda: train_step().numpy(), seconds)
    inference = timed(lambda: infer().numpy(), seconds)
    conv = timed(lambda: conv2().numpy(), seconds)
    return rates("tf", train, inference, conv)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--seconds", type=float, default=5.0, help="time spent per figure (about)")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(measure(args.threads[0], args.seconds)))
        return
    figures = {}
    for threads in args.threads:
        out = subprocess.run([sys.executable, __file__, "--child", "--threads", str(threads),
                              "--seconds", str(args.seconds)], check=True, capture_output=True, text=True).stdout
        figures[threads] = json.loads(out.strip().splitlines()[-1])
        for name, (value, unit) in figures[threads].items():
            print(json.dumps({"name": f"{name}_threads{threads}", "value": round(value, 3), "unit": unit,
                              "threads": threads}), flush=True)
    top = max(args.threads)
    for name, (value, unit) in figures[top].items():
        print(json.dumps({"name": name, "value": round(value, 3), "unit": unit, "threads": top}))


if __name__ == "__main__":
    main()
