#!/usr/bin/env python3
"""Train the lectures' MNIST networks in TensorFlow and print what `convlab train --json` prints.

The other half of the accuracy comparison in issue #7: the same network, optimizer, batch size
and data as `convlab train --model NAME --data DIR --json`, one JSON object per epoch,
{"epoch": N, "test_accuracy": ..., "train_loss": ..., "seconds": ...}, so the two runs can be
put side by side. Train loss is the mean of the epoch's batch losses, as ConvLab and the
tutorials' `avg_cost` compute it.

    pip install tensorflow-cpu==2.21.0
    python3 Benchmarks/tf_train_accuracy.py --model lecture7 --epochs 3 --seeds 1 2 3
    python3 Benchmarks/tf_train_accuracy.py --model tutorial03 --epochs 5
    python3 Benchmarks/tf_train_accuracy.py --model lecture7-2017 --epochs 3 --seeds 1 2 3

Models (as in Sources/ConvLabNN/Training/Models.swift):
  lecture7            conv5x5x32-pool-conv5x5x64-pool-dense1024-dropout(keep .75)-dense10,
                      Adam 1e-3, batch 128, 60,000 training digits, Glorot uniform, zero biases
  tutorial03          conv3x3x4-pool-conv3x3x8-pool-dense10, gradient descent 0.1, batch 100,
                      55,000 digits, sigmoid cross-entropy (reduce_mean over N*10)
  tutorial03-softmax  the same with softmax cross-entropy
  notebook            lecture7's layers with truncated normal (0.1) weights, 0.1 biases,
                      dropout keep 0.5, Adam 1e-4, batch 50, 55,000 digits
  lecture7-2017       lecture7 as the course's script examples/07_convnet_mnist.py (February 2017)
                      ran it: raw tf.nn ops, weights truncated normal and biases normal, both
                      stddev 1, tf.compat.v1.train.AdamOptimizer(0.001) (epsilon 1e-8), the 55,000
                      digits of read_data_sets, 429 batches of 128 per epoch, the first epoch in
                      file order and a numpy shuffle before each later one (TF 1.0's next_batch).
                      After every epoch it also prints "test_accuracy_2017": the script's test
                      pass on a copy of the weights and optimizer state (78 batches of 128 test
                      digits in file order, dropout on, an Adam step on each batch, the batch
                      scored on the logits before its step, correct predictions / 10,000);
                      "test_accuracy" is the same weights scored cleanly.
  lecture7-2017-glorot  the same with Glorot-uniform weights and zero biases

`--init` picks the weight initializer of every layer (default glorot_uniform, as ConvLab);
`--bias-init` the biases' (default zeros). `--init-from FILE` starts from the weights of a ConvLab
checkpoint instead (e.g. one saved after a step with `--lr 1e-30`), so both libraries train from
the very same numbers.
"""
import argparse
import gzip
import json
import os
import time

import numpy as np


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def load(data_dir, train_count):
    def images(name):
        return read_idx(os.path.join(data_dir, name)).astype(np.float32)[..., None] / 255.0
    # The last train_count digits: read_data_sets (and ConvLab) hold out the first 5,000.
    train_x = images("train-images-idx3-ubyte.gz")[-train_count:]
    train_y = read_idx(os.path.join(data_dir, "train-labels-idx1-ubyte.gz"))[-train_count:].astype(np.int64)
    test_x = images("t10k-images-idx3-ubyte.gz")
    test_y = read_idx(os.path.join(data_dir, "t10k-labels-idx1-ubyte.gz")).astype(np.int64)
    return train_x, train_y, test_x, test_y


def read_checkpoint_file(path):
    """A whole ConvLab checkpoint ("CONVLAB1", UInt32 header length, JSON header, Float32 tensors
    in the header's order): the header and every (name, value), optimizer slots included
    (`optimizer/<variable>/m`)."""
    import struct
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"CONVLAB1":
        raise SystemExit(f"{path}: not a ConvLab checkpoint")
    length = struct.unpack("<I", data[8:12])[0]
    header = json.loads(data[12:12 + length])
    offset, tensors = 12 + length, []
    for entry in header["tensors"]:
        count = int(np.prod(entry["shape"]))
        value = np.frombuffer(data, dtype="<f4", count=count, offset=offset).reshape(entry["shape"])
        offset += 4 * count
        tensors.append((entry["name"], value))
    if offset != len(data):
        raise SystemExit(f"{path}: {len(data) - offset} bytes after the last tensor")
    return header, tensors


def read_checkpoint(path):
    """The variables of a ConvLab checkpoint in the header's order, optimizer slots left out."""
    return [(name, value) for name, value in read_checkpoint_file(path)[1] if not name.startswith("optimizer/")]


def keras_layer_seed(seed, i, independent):
    """The initializer seed of layer i. Keras seeds a stateless stream with it, so with `seed + i`
    layer i + 1 of seed s draws the same uniforms as layer i of seed s + 1 (scaled to its own
    limit): neighbouring seeds share weights across layers. `independent` spreads (seed, i) with
    NumPy's SeedSequence instead."""
    if not independent:
        return seed + i
    return int(np.random.SeedSequence([seed, i]).generate_state(1, dtype=np.uint32)[0] & 0x7FFFFFFF)


def build(tf, model, init, bias_init, seed, independent=False):
    layers = tf.keras.layers
    layer_seed = lambda i: keras_layer_seed(seed, i, independent)
    kw = lambda i: dict(kernel_initializer=tf.keras.initializers.get({"class_name": init, "config": {"seed": layer_seed(i)}}),
                        bias_initializer=bias_init)
    if model == "notebook":
        kw = lambda i: dict(kernel_initializer=tf.keras.initializers.TruncatedNormal(stddev=0.1, seed=layer_seed(i)),
                            bias_initializer=tf.keras.initializers.Constant(0.1))
    if model in ("lecture7", "notebook"):
        keep = 0.5 if model == "notebook" else 0.75
        net = tf.keras.Sequential([
            tf.keras.Input((28, 28, 1)),
            layers.Conv2D(32, 5, padding="same", activation="relu", **kw(1)),
            layers.MaxPool2D(2, padding="same"),
            layers.Conv2D(64, 5, padding="same", activation="relu", **kw(2)),
            layers.MaxPool2D(2, padding="same"),
            layers.Flatten(),
            layers.Dense(1024, activation="relu", **kw(3)),
            layers.Dropout(1 - keep, seed=seed),
            layers.Dense(10, **kw(4))])
        if model == "notebook":
            return net, tf.keras.optimizers.Adam(1e-4), 50, 55000
        return net, tf.keras.optimizers.Adam(1e-3), 128, 60000
    net = tf.keras.Sequential([
        tf.keras.Input((28, 28, 1)),
        layers.Conv2D(4, 3, padding="same", activation="relu", **kw(1)),
        layers.MaxPool2D(2, padding="same"),
        layers.Conv2D(8, 3, padding="same", activation="relu", **kw(2)),
        layers.MaxPool2D(2, padding="same"),
        layers.Flatten(),
        layers.Dense(10, **kw(3))])
    return net, tf.keras.optimizers.SGD(0.1), 100, 55000


def lecture7_fc(tf, variables, x):
    """Lecture 7's network on raw ops up to the dense layer's ReLU; `variables` are k1, b1, k2, b2,
    w3, b3 (then w4, b4) in ConvLab's checkpoint order."""
    k1, b1, k2, b2, w3, b3 = variables[:6]
    conv1 = tf.nn.relu(tf.nn.conv2d(x, k1, strides=1, padding="SAME") + b1)
    pool1 = tf.nn.max_pool2d(conv1, 2, 2, padding="SAME")
    conv2 = tf.nn.relu(tf.nn.conv2d(pool1, k2, strides=1, padding="SAME") + b2)
    pool2 = tf.nn.max_pool2d(conv2, 2, 2, padding="SAME")
    return tf.nn.relu(tf.matmul(tf.reshape(pool2, [-1, 7 * 7 * 64]), w3) + b3)


def script2017_logits(tf, variables, x, keep):
    """The 2017 script's logits from the eight variables of `lecture7_fc`'s order, with dropout
    (tf.nn.dropout, stateful, seeded by the global seed) when keep < 1."""
    fc = lecture7_fc(tf, variables, x)
    if keep < 1:
        fc = tf.nn.dropout(fc, rate=1 - keep)
    return tf.matmul(fc, variables[6]) + variables[7]


def script2017_step(tf, variables, optimizer):
    """The script's training step as a tf.function (x, y) -> (loss, logits): dropout keep 0.75,
    softmax cross-entropy, one `optimizer` update; the logits are the forward pass's, before it."""
    @tf.function
    def step(x, y):
        with tf.GradientTape() as tape:
            logits = script2017_logits(tf, variables, x, 0.75)
            loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=tf.one_hot(y, 10), logits=logits))
        optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
        return loss, logits
    return step


def clean_accuracy(clean_logits, test_x, test_y):
    """The share of test digits whose clean logits (no dropout, no update) pick the label."""
    clean = np.concatenate([clean_logits(test_x[i:i + 500]).numpy() for i in range(0, len(test_x), 500)])
    return float(np.mean(np.argmax(clean, axis=1) == test_y))


def score_script2017(step, state, test_x, test_y, batch=128):
    """The script's test pass, on a copy: `step` on each of the 78 whole batches of 128 test digits
    in file order, each batch scored on the logits before its update, correct / 10,000; then every
    variable in `state` (the weights and the optimizer's slots and beta powers) is put back."""
    saved = [v.numpy() for v in state]
    correct = 0
    for i in range(len(test_x) // batch):
        _, logits = step(test_x[i * batch:(i + 1) * batch], test_y[i * batch:(i + 1) * batch])
        correct += int(np.sum(np.argmax(logits.numpy(), axis=1) == test_y[i * batch:(i + 1) * batch]))
    for v, value in zip(state, saved):
        v.assign(value)
    return correct / len(test_x)


# The 2017 script's eight variables, in the order their initial values are drawn.
SCRIPT2017_VARIABLES = [("conv1/weights", [5, 5, 1, 32]), ("conv1/biases", [32]),
                        ("conv2/weights", [5, 5, 32, 64]), ("conv2/biases", [64]),
                        ("fc/weights", [7 * 7 * 64, 1024]), ("fc/biases", [1024]),
                        ("softmax_linear/weights", [1024, 10]), ("softmax_linear/biases", [10])]


def script2017_generator(tf, seed, independent):
    """The generator seed `seed` draws the 2017 recipe's initial variables from (also used by
    tf_seed_overlap.py, which compares two seeds' draws)."""
    if independent:
        # A Philox key of its own for each seed, spread by NumPy's SeedSequence.
        key = np.random.SeedSequence(seed).generate_state(1, dtype=np.uint64).view(np.int64)[0]
        return tf.random.Generator.from_state(tf.constant([0, 0, key], dtype=tf.int64), alg="philox")
    # Measured in TF 2.21: from_seed(s) starts Philox at counter c + s under one key, so seed
    # s + 1 draws seed s's numbers shifted by one block of four. Every bias tensor (plain normal
    # draws) of seed s + 1 is seed s's shifted by four places; the truncated-normal weights,
    # drawn by rejection, mostly differ. So the seeds are not independent draws
    # (Benchmarks/tf_seed_overlap.py prints the overlap).
    return tf.random.Generator.from_seed(seed)


def script2017_initial(tf, generator, glorot=False):
    """The initial values of SCRIPT2017_VARIABLES, drawn from `generator` in order: the script's
    stddev-1 truncated-normal weights and normal biases, or with `glorot` Glorot-uniform weights
    and zero biases (`--model lecture7-2017-glorot`)."""
    def weight(shape):
        if glorot:
            fan_in = int(np.prod(shape[:-1]))
            fan_out = int(np.prod(shape[:-2])) * shape[-1]
            limit = float(np.sqrt(6.0 / (fan_in + fan_out)))
            return generator.uniform(shape, -limit, limit)
        return generator.truncated_normal(shape, stddev=1.0)

    def bias(shape):
        return tf.zeros(shape) if glorot else generator.normal(shape, stddev=1.0)

    return [weight(shape) if name.endswith("weights") else bias(shape) for name, shape in SCRIPT2017_VARIABLES]


def run_script2017(tf, args, seed):
    """The 2017 script's recipe and scoring (see the module docstring), one seed."""
    glorot = args.model == "lecture7-2017-glorot"
    generator = script2017_generator(tf, seed, args.independent_seeds)
    tf.random.set_seed(seed)  # the dropout masks (stateful tf.nn.dropout)

    variables = [tf.Variable(value) for value in script2017_initial(tf, generator, glorot)]
    optimizer = tf.compat.v1.train.AdamOptimizer(0.001)
    step = script2017_step(tf, variables, optimizer)
    clean_logits = tf.function(lambda x: script2017_logits(tf, variables, x, 1.0))

    train_x, train_y, test_x, test_y = load(args.data, 55000)
    batch, steps = 128, 55000 // 128
    rng = np.random.default_rng(seed)
    order = np.arange(55000)
    for epoch in range(1, args.epochs + 1):
        start = time.time()
        if epoch > 1:
            order = rng.permutation(55000)
        losses = []
        for i in range(steps):
            idx = order[i * batch:(i + 1) * batch]
            losses.append(float(step(train_x[idx], train_y[idx])[0]))
        accuracy = clean_accuracy(clean_logits, test_x, test_y)
        score = score_script2017(step, variables + optimizer.variables(), test_x, test_y)
        print(json.dumps({"epoch": epoch, "test_accuracy": round(accuracy, 4),
                          "test_accuracy_2017": round(score, 4),
                          "train_loss": round(float(np.mean(losses)), 5),
                          "seconds": round(time.time() - start, 1), "seed": seed, "model": args.model}),
              flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default="lecture7", choices=["lecture7", "tutorial03", "tutorial03-softmax", "notebook",
                                                           "lecture7-2017", "lecture7-2017-glorot"])
    ap.add_argument("--data", default=os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data", "mnist"))
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--seeds", type=int, nargs="+", default=[1])
    ap.add_argument("--init", default="glorot_uniform")
    ap.add_argument("--bias-init", default="zeros")
    ap.add_argument("--init-from", help="a ConvLab checkpoint whose variables are the initial weights")
    ap.add_argument("--independent-seeds", action="store_true",
                    help="give each seed independent initial weights. lecture7-2017: its own Philox key; without it "
                         "consecutive seeds share their initial biases, shifted by four places (see run_script2017, "
                         "tf_seed_overlap.py). Keras models: per-layer seeds from SeedSequence; without it layer i + 1 "
                         "of seed s draws what layer i of seed s + 1 draws (see keras_layer_seed)")
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import tensorflow as tf
    tf.config.threading.set_intra_op_parallelism_threads(args.threads)
    tf.config.threading.set_inter_op_parallelism_threads(1)

    for seed in args.seeds:
        tf.keras.utils.set_random_seed(seed)
        if args.model.startswith("lecture7-2017"):
            run_script2017(tf, args, seed)
            continue
        net, optimizer, batch, count = build(tf, args.model, args.init, args.bias_init, seed, args.independent_seeds)
        train_x, train_y, test_x, test_y = load(args.data, count)
        if args.init_from:
            tensors = read_checkpoint(args.init_from)
            if len(tensors) != len(net.trainable_variables):
                raise SystemExit(f"{args.init_from}: {len(tensors)} variables, the model has {len(net.trainable_variables)}")
            for variable, (name, value) in zip(net.trainable_variables, tensors):
                if tuple(variable.shape) != value.shape:
                    raise SystemExit(f"{name}: shape {value.shape}, the model's is {tuple(variable.shape)}")
                variable.assign(value)
        sigmoid = args.model == "tutorial03"

        @tf.function
        def step(x, y):
            with tf.GradientTape() as tape:
                logits = net(x, training=True)
                labels = tf.one_hot(y, 10)
                if sigmoid:
                    loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=labels, logits=logits))
                else:
                    loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=labels, logits=logits))
            grads = tape.gradient(loss, net.trainable_variables)
            optimizer.apply_gradients(zip(grads, net.trainable_variables))
            return loss

        rng = np.random.default_rng(seed)
        for epoch in range(1, args.epochs + 1):
            start = time.time()
            order = rng.permutation(count)
            losses = []
            for first in range(0, count, batch):
                idx = order[first:first + batch]
                losses.append(float(step(train_x[idx], train_y[idx])))
            logits = net.predict(test_x, batch_size=500, verbose=0)
            accuracy = float(np.mean(np.argmax(logits, axis=1) == test_y))
            print(json.dumps({"epoch": epoch, "test_accuracy": round(accuracy, 4),
                              "train_loss": round(float(np.mean(losses)), 5),
                              "seconds": round(time.time() - start, 1), "seed": seed,
                              "model": args.model,
                              "init": "truncated_normal(0.1), biases 0.1" if args.model == "notebook" else args.init}),
                  flush=True)


if __name__ == "__main__":
    main()
