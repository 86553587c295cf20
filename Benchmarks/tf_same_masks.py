#!/usr/bin/env python3
"""Replay a ConvLab training run in TensorFlow step by step, with ConvLab's own dropout masks.

Issue #17: with dropout, ConvLab's mean epoch-1 training loss of lecture 7's network was about
0.005 above TensorFlow's on four seeds, while without dropout the two agreed step by step. This
script separates the arithmetic from the masks. From a `convlab train --trace DIR` run it reads
the initial weights (DIR/initial.ckpt), every step's loss (DIR/steps.jsonl) and every dropout
mask (DIR/masks.bits), then trains the same network in TensorFlow 2.21 from the same weights on
the same batches (those the trace names) twice:

  A  with ConvLab's masks fed in (fc * mask * 1/0.75, as tf.nn.dropout scales),
  B  with TensorFlow's own masks (Keras's Dropout: tf.nn.experimental.stateless_dropout, a new
     seed per step from a SeedGenerator, as the Keras comparison runs draw them),

prints the losses step by step beside ConvLab's, and the statistics of both sets of masks:
keep rate, per-unit and per-example keep rates against the binomial spread, and correlations
across units, examples and steps.

    swift build -c release
    .build/release/convlab train --model lecture7 --data ../shared/data/mnist --order file \\
        --limit 38400 --epochs 1 --seed 1 --trace /tmp/trace-seed1          # 300 steps of 128
    python3 Benchmarks/tf_same_masks.py /tmp/trace-seed1
    python3 Benchmarks/tf_same_masks.py /tmp/trace-seed1 --json /tmp/same-masks.json
    # a whole shuffled epoch (469 steps) of seed 2:
    .build/release/convlab train --model lecture7 --data ../shared/data/mnist --epochs 1 --seed 2 --trace /tmp/trace-seed2
    python3 Benchmarks/tf_same_masks.py /tmp/trace-seed2 --steps 0 --seed 2

Adam is Keras's (1e-3, epsilon 1e-7), as ConvLab's `lecture7` recipe and tf_train_accuracy.py.
"""
import argparse
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tf_train_accuracy import lecture7_fc, load, read_checkpoint  # noqa: E402

KEEP = 0.75


def read_trace(directory):
    steps = [json.loads(line) for line in open(os.path.join(directory, "steps.jsonl"))]
    shapes = [tuple(step["masks"][0]) for step in steps]
    if any(len(step["masks"]) != 1 for step in steps):
        raise SystemExit(f"{directory}: expected one dropout layer per step")
    total = sum(int(np.prod(shape)) for shape in shapes)
    bits = np.unpackbits(np.fromfile(os.path.join(directory, "masks.bits"), dtype=np.uint8))
    if bits.size < total or bits.size - total >= 8:
        raise SystemExit(f"{directory}: masks.bits holds {bits.size} bits, the steps need {total}")
    masks, offset = [], 0
    for shape in shapes:
        count = int(np.prod(shape))
        masks.append(bits[offset:offset + count].reshape(shape).astype(bool))
        offset += count
    return [step["loss"] for step in steps], masks, [step.get("examples") for step in steps]


def train(tf, initial, batches, masks=None, seed=1):
    """Trains from `initial` on `batches`; with `masks` (a list of [128, 1024] bools) dropout uses
    them, otherwise Keras's Dropout layer draws its own. Returns the losses and the masks used."""
    variables = [tf.Variable(value) for _, value in initial]
    w4, b4 = variables[6:]
    optimizer = tf.keras.optimizers.Adam(1e-3)
    dropout = tf.keras.layers.Dropout(1 - KEEP, seed=seed)
    scale = tf.constant(1 / KEEP, tf.float32)

    def forward(x, mask):
        fc = lecture7_fc(tf, variables, x)
        if mask is None:
            kept = dropout(tf.ones_like(fc), training=True) != 0
        else:
            kept = mask
        return tf.matmul(fc * scale * tf.cast(kept, tf.float32), w4) + b4, kept

    def step(x, y, mask):
        with tf.GradientTape() as tape:
            logits, kept = forward(x, mask)
            loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=tf.one_hot(y, 10), logits=logits))
        optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
        return loss, kept

    fed_step = tf.function(step)
    own_step = tf.function(lambda x, y: step(x, y, None))

    losses, used = [], []
    for i, (x, y) in enumerate(batches):
        loss, kept = fed_step(x, y, masks[i]) if masks is not None else own_step(x, y)
        losses.append(float(loss))
        used.append(kept.numpy())
        if (i + 1) % 50 == 0:
            print(f"{'fed' if masks is not None else 'own'} masks: step {i + 1}, mean loss so far {np.mean(losses):.6f}",
                  file=sys.stderr, flush=True)
    return losses, used


def correlation(a, b):
    a = a.astype(np.float64).ravel() - a.mean()
    b = b.astype(np.float64).ravel() - b.mean()
    return float(a @ b / np.sqrt((a @ a) * (b @ b)))


def mask_statistics(masks):
    """Keep rates and correlations of a list of [rows, units] bool masks. A whole epoch ends with a
    smaller batch: its rows count in the keep rates, the correlations use the full-size steps."""
    m = np.stack([x for x in masks if x.shape == masks[0].shape])  # [steps, rows, units]
    units = m.shape[2]
    flat = np.concatenate([x.reshape(-1, units) for x in masks]).astype(np.float64)
    per_unit = flat.mean(axis=0)
    per_example = flat.mean(axis=1)
    p = float(flat.mean())
    centred = flat - per_unit
    covariance = centred.T @ centred / flat.shape[0]
    sd = np.sqrt(np.diag(covariance))
    corr = covariance / np.outer(sd, sd)
    off = corr[~np.eye(units, dtype=bool)]
    return {
        "draws": int(flat.size), "keep_rate": p,
        "per_unit_keep_rate_sd": float(per_unit.std()),
        "per_unit_expected_sd": float(np.sqrt(p * (1 - p) / flat.shape[0])),
        "per_unit_min": float(per_unit.min()), "per_unit_max": float(per_unit.max()),
        "per_example_keep_rate_sd": float(per_example.std()),
        "per_example_expected_sd": float(np.sqrt(p * (1 - p) / units)),
        "unit_pair_corr_mean": float(off.mean()), "unit_pair_corr_sd": float(off.std()),
        "unit_pair_corr_max_abs": float(np.abs(off).max()),
        "unit_pair_expected_sd": float(1 / np.sqrt(flat.shape[0])),
        "adjacent_units_corr": correlation(m[:, :, :-1], m[:, :, 1:]),
        "adjacent_examples_corr": correlation(m[:, :-1, :], m[:, 1:, :]),
        "consecutive_steps_corr": correlation(m[:-1], m[1:]),
        "same_draw_expected_sd": float(1 / np.sqrt(m.size)),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("trace", help="the directory a `convlab train --trace DIR` run wrote")
    ap.add_argument("--data", default=os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data", "mnist"))
    ap.add_argument("--steps", type=int, default=300, help="how many of the trace's steps to replay (0: all)")
    ap.add_argument("--train-count", type=int, default=60000,
                    help="the training digits the run used, the last ones of the file (lecture7: 60,000)")
    ap.add_argument("--seed", type=int, default=1, help="the seed of TensorFlow's own masks (run B)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--json", help="also write every step's losses and both mask statistics here")
    ap.add_argument("--legs", default="same,own",
                    help="which TF runs, in this order: same (ConvLab's masks), own (TF's masks), or both")
    args = ap.parse_args()

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import tensorflow as tf
    tf.config.threading.set_intra_op_parallelism_threads(args.threads)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    tf.keras.utils.set_random_seed(args.seed)

    convlab_losses, convlab_masks, examples = read_trace(args.trace)
    steps = len(convlab_losses) if args.steps == 0 else min(args.steps, len(convlab_losses))
    if steps < args.steps:
        print(f"note: the trace holds {len(convlab_losses)} steps", file=sys.stderr)
    initial = read_checkpoint(os.path.join(args.trace, "initial.ckpt"))
    train_x, train_y, _, _ = load(args.data, args.train_count)
    batch = convlab_masks[0].shape[0]
    # The trace names each batch's examples; an older trace without them ran in file order.
    indices = [np.array(e) if e is not None else np.arange(i * batch, (i + 1) * batch) for i, e in enumerate(examples)]
    batches = [(train_x[indices[i]], train_y[indices[i]]) for i in range(steps)]

    legs = args.legs.split(",")
    if not legs or any(leg not in ("same", "own") for leg in legs):
        raise SystemExit(f"--legs {args.legs}: use same, own, or both, comma-separated")
    with_convlab_masks = with_own_masks = [float("nan")] * steps
    tf_masks = None
    for leg in legs:
        if leg == "same":
            with_convlab_masks, _ = train(tf, initial, batches, [tf.constant(m) for m in convlab_masks[:steps]])
        else:
            with_own_masks, tf_masks = train(tf, initial, batches, None, seed=args.seed)

    print(f"{'step':>5} {'ConvLab':>11} {'TF, same masks':>15} {'difference':>11} {'TF, own masks':>14}")
    shown = sorted({1, 2, 3, 5, 10, 20, 50, 100, 150, 200, 250, steps})
    for s in shown:
        if s <= steps:
            a, b, c = convlab_losses[s - 1], with_convlab_masks[s - 1], with_own_masks[s - 1]
            print(f"{s:>5} {a:>11.6f} {b:>15.6f} {b - a:>11.2e} {c:>14.6f}")
    for lo, hi in sorted({(1, 100), (101, 200), (201, 300), (1, steps)}):
        if hi <= steps:
            window = slice(lo - 1, hi)
            a, b, c = (float(np.mean(v[window])) for v in (convlab_losses, with_convlab_masks, with_own_masks))
            print(f"mean of steps {lo}-{hi}: ConvLab {a:.6f}, TF same masks {b:.6f} ({b - a:+.2e}), TF own masks {c:.6f}")
    diffs = np.abs(np.array(with_convlab_masks) - np.array(convlab_losses[:steps]))
    print(f"largest |difference| with the same masks: {diffs.max():.2e} (step {int(diffs.argmax()) + 1})")

    if tf_masks is None:  # TF's own run was not asked for: its column stays NaN
        tf_masks = [np.full(m.shape, np.nan) for m in convlab_masks[:steps]]
    stats = {"ConvLab": mask_statistics(convlab_masks[:steps]), "TF": mask_statistics(tf_masks)}
    print(f"\n{'mask statistic':<28} {'ConvLab':>10} {'TF':>10}  expected (independent, p = 0.75)")
    rows = [("keep rate", "keep_rate", None),
            ("per-unit keep rate sd", "per_unit_keep_rate_sd", "per_unit_expected_sd"),
            ("per-unit keep rate min", "per_unit_min", None),
            ("per-unit keep rate max", "per_unit_max", None),
            ("per-example keep rate sd", "per_example_keep_rate_sd", "per_example_expected_sd"),
            ("unit pairs: mean corr", "unit_pair_corr_mean", None),
            ("unit pairs: sd of corr", "unit_pair_corr_sd", "unit_pair_expected_sd"),
            ("unit pairs: max |corr|", "unit_pair_corr_max_abs", None),
            ("adjacent units: corr", "adjacent_units_corr", "same_draw_expected_sd"),
            ("adjacent examples: corr", "adjacent_examples_corr", "same_draw_expected_sd"),
            ("consecutive steps: corr", "consecutive_steps_corr", "same_draw_expected_sd")]
    for label, key, expected in rows:
        note = f"sd {stats['ConvLab'][expected]:.4f}" if expected else ""
        if key == "keep_rate":
            note = "0.75"
        elif key == "unit_pair_corr_mean":
            note = "0"
        elif expected and key.endswith("corr"):
            note = f"0 +- {stats['ConvLab'][expected]:.4f}"
        print(f"{label:<28} {stats['ConvLab'][key]:>10.4f} {stats['TF'][key]:>10.4f}  {note}")
    if args.json:
        # A run left out (--legs) is null, as strict JSON readers want it (not NaN).
        def strict(values):
            return [None if isinstance(v, float) and np.isnan(v) else v for v in values]
        stats = {name: {k: None if isinstance(v, float) and np.isnan(v) else v for k, v in s.items()}
                 for name, s in stats.items()}
        with open(args.json, "w") as f:
            json.dump({"convlab": convlab_losses[:steps], "tf_same_masks": strict(with_convlab_masks),
                       "tf_own_masks": strict(with_own_masks), "mask_statistics": stats}, f, indent=1)


if __name__ == "__main__":
    main()
