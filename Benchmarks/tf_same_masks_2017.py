#!/usr/bin/env python3
"""Replay a ConvLab `lecture7-2017` epoch in TensorFlow step by step, with ConvLab's own dropout masks.

Issue #17: scored the 2017 way after epoch 1, ConvLab's runs of the CS 20SI script's recipe sat
about 0.005 below TensorFlow's (7 seeds a side), while the clean scores differ by about 0.001.
`tf_score_checkpoint.py` showed that TensorFlow's test pass, run from ConvLab's weights and Adam
state, reproduces ConvLab's score: the difference lies in the state the training reaches.
`tf_same_masks.py` replays ConvLab's training with its masks, but on the clean `lecture7` recipe
(Glorot weights, Keras's Adam). This script does the same on the 2017 recipe itself, whose
stddev-1 weights make the activations and the loss huge (thousands) and whose optimizer is
TensorFlow 1's (`tf.compat.v1.train.AdamOptimizer(0.001)`: epsilon 1e-8, beta powers kept as
variables and multiplied by beta after each update).

From a `convlab train --model lecture7-2017 --trace DIR` run it reads the initial weights
(DIR/initial.ckpt), every step's loss and batch (DIR/steps.jsonl) and every dropout mask
(DIR/masks.bits), with `tf_same_masks.read_trace`, and trains the network of
`tf_train_accuracy.py --model lecture7-2017` (its raw ops, imported) from those weights on those
batches twice:

  A  (same)  with ConvLab's masks fed in (fc * 1/0.75, zero where ConvLab dropped the unit: what
             tf.nn.dropout computes for its own mask);
  B  (own)   with TensorFlow's own masks (the script's tf.nn.dropout, rate 0.25, stateful, the
             global seed set to --seed), i.e. `tf_train_accuracy.script2017_step` unchanged;

and, if asked (`--legs same,own,ulp`), a third run that measures how fast this training amplifies
rounding: ConvLab's masks again, but every initial weight moved by one unit in the last place
(numpy.nextafter towards +inf). Two runs of the same library that differ by one ulp diverge at
some rate; ConvLab and TensorFlow, whose sums round differently, cannot be expected to stay
together longer than that. Its end state is scored cleanly only.

It prints the step losses beside ConvLab's (the first 20 steps, then every 25th, and the last),
their relative differences, the first step where the difference exceeds 1e-4 and 1e-2, and the
mean loss over the replayed steps. After each leg it scores the state TensorFlow reached as
`tf_score_checkpoint.py` scores ConvLab's: the clean accuracy, and `--draws` runs of the script's
test pass on a copy (78 batches of 128 test digits in file order, dropout on with TensorFlow's own
masks, an Adam step on each, scored on the logits before the step), each draw under another
`tf.random.set_seed`.

Two optional ConvLab checkpoints sharpen the comparison:

  --step1-checkpoint FILE  the state after ConvLab's first step (`--limit 128` saves it): compares
                           the first update variable by variable (Adam's m = (1 - beta1) g is the
                           gradient, v its square, and the weights after the update), each library
                           against a float64 TensorFlow computation of the same step as the judge;
  --convlab-checkpoint FILE  ConvLab's state after the epoch (`--checkpoint`): the relative
                           distance of leg A's final weights from ConvLab's, per variable.

    .build/release/convlab train --model lecture7-2017 --data ../shared/data/mnist --epochs 1 \\
        --seed 1 --threads 1 --trace /tmp/trace-2017-seed1 --checkpoint /tmp/2017-seed1-e1.ckpt
    .build/release/convlab train --model lecture7-2017 --data ../shared/data/mnist --epochs 1 \\
        --seed 1 --threads 1 --limit 128 --checkpoint /tmp/2017-seed1-step1.ckpt
    python3 Benchmarks/tf_same_masks_2017.py /tmp/trace-2017-seed1 --seed 1 --threads 1 \\
        --step1-checkpoint /tmp/2017-seed1-step1.ckpt --convlab-checkpoint /tmp/2017-seed1-e1.ckpt \\
        --json /tmp/same-masks-2017-seed1.json

The first epoch of the 2017 recipe runs in file order in both libraries, so the trace's batches are
the script's batches; `--steps N` replays only the first N (then the scores are of that state).
"""
import argparse
import json
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tf_same_masks import KEEP, read_trace  # noqa: E402
from tf_train_accuracy import (clean_accuracy, lecture7_fc, load, read_checkpoint,  # noqa: E402
                               read_checkpoint_file, score_script2017, script2017_logits, script2017_step)

LEARNING_RATE = 0.001  # the script's; tf.compat.v1's Adam keeps its beta1 0.9, beta2 0.999, epsilon 1e-8
TRAIN_COUNT = 55000  # read_data_sets' training digits, the last 55,000 of the file
# Where each leg's step losses go in the --json file (its scores under the same name + "_scores").
KEYS = {"same": "tf_same_masks", "own": "tf_own_masks", "ulp": "tf_same_masks_ulp"}


def fed_mask_step(tf, variables, optimizer):
    """The script's training step with the dropout mask given: (x, y, kept) -> (loss, logits).
    Kept units are scaled by 1/keep and the others zeroed, as tf.nn.dropout does for its own mask."""
    scale = tf.constant(1 / KEEP, variables[0].dtype)

    @tf.function
    def step(x, y, kept):
        with tf.GradientTape() as tape:
            fc = lecture7_fc(tf, variables, x)
            fc = tf.where(kept, fc * scale, tf.zeros_like(fc))
            logits = tf.matmul(fc, variables[6]) + variables[7]
            labels = tf.one_hot(y, 10, dtype=logits.dtype)
            loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=labels, logits=logits))
        optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
        return loss, logits
    return step


def replay(tf, initial, batches, masks, seed, label):
    """Trains from `initial` on `batches` with tf.compat.v1's Adam; with `masks` (one [128, 1024]
    bool array per step) dropout uses them, otherwise the script's tf.nn.dropout draws its own under
    tf.random.set_seed(seed). Returns the step losses, the variables and the optimizer."""
    variables = [tf.Variable(value) for _, value in initial]
    optimizer = tf.compat.v1.train.AdamOptimizer(LEARNING_RATE)  # epsilon 1e-8
    if masks is None:
        tf.random.set_seed(seed)
        own = script2017_step(tf, variables, optimizer)
        step = lambda x, y, i: own(x, y)  # noqa: E731
    else:
        fed = fed_mask_step(tf, variables, optimizer)
        step = lambda x, y, i: fed(x, y, tf.constant(masks[i]))  # noqa: E731
    losses, start = [], time.time()
    for i, (x, y) in enumerate(batches):
        loss, _ = step(x, y, i)
        losses.append(float(loss))
        if (i + 1) % 50 == 0 or i + 1 == len(batches):
            print(f"{label}: step {i + 1}, loss {losses[-1]:.6g}, mean so far {np.mean(losses):.6g} "
                  f"({time.time() - start:.0f} s)", file=sys.stderr, flush=True)
    return losses, variables, optimizer


def score(tf, variables, optimizer, test_x, test_y, draws, first_seed, label):
    """The clean accuracy of `variables` and `draws` 2017-way scores of them with the optimizer's
    state, each a test pass on a copy with TensorFlow's own masks under tf.random.set_seed(s)."""
    clean = clean_accuracy(tf.function(lambda x: script2017_logits(tf, variables, x, 1.0)), test_x, test_y)
    print(f"{label}: clean accuracy {clean:.4f}", file=sys.stderr, flush=True)
    scores = []
    for s in range(first_seed, first_seed + draws):
        start = time.time()
        tf.random.set_seed(s)  # a new seed and a newly traced step: a fresh mask stream
        step = script2017_step(tf, variables, optimizer)
        scores.append(score_script2017(step, variables + optimizer.variables(), test_x, test_y))
        print(f"{label}: 2017 way, mask seed {s}: {scores[-1]:.4f} ({time.time() - start:.0f} s)",
              file=sys.stderr, flush=True)
    return {"clean_accuracy": clean, "draws": scores, **summary(scores)}


def summary(scores):
    a = np.array(scores, dtype=np.float64)
    if a.size == 0:
        return {"n": 0}
    return {"n": int(a.size), "mean": float(a.mean()), "sd": float(a.std(ddof=1)) if a.size > 1 else None,
            "min": float(a.min()), "max": float(a.max())}


def first_step_check(tf, initial, batch, mask, path):
    """ConvLab's first update (the state in `path`, saved after one step) beside TensorFlow's in
    float32 and float64 from the same weights, batch and mask. Per variable: the largest relative
    difference of Adam's m (= (1 - beta1) * gradient), v and the updated weights, each library
    against the float64 step, and ConvLab against TF float32."""
    header, tensors = read_checkpoint_file(path)
    if int(header["optimizerStep"]) != 1:
        raise SystemExit(f"{path}: Adam step {header['optimizerStep']}, expected the state after one step")
    named = dict(tensors)
    names = [name for name, _ in initial]

    def one_step(dtype):
        variables = [tf.Variable(np.asarray(value, dtype)) for _, value in initial]
        optimizer = tf.compat.v1.train.AdamOptimizer(LEARNING_RATE)
        step = fed_mask_step(tf, variables, optimizer)
        loss, logits = step(tf.constant(batch[0], dtype), batch[1], tf.constant(mask))
        slots = {(n, s): optimizer.get_slot(v, s).numpy() for n, v in zip(names, variables) for s in ("m", "v")}
        return float(loss), logits.numpy(), {n: v.numpy() for n, v in zip(names, variables)}, slots

    loss32, logits32, w32, s32 = one_step(np.float32)
    loss64, logits64, w64, s64 = one_step(np.float64)

    def rel(a, b):
        """max |a - b| / max |b|: the largest difference on the scale of the tensor."""
        a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
        return float(np.max(np.abs(a - b)) / max(np.max(np.abs(b)), 1e-300))

    def update_rows(convlab, tf32, tf64):
        """The updates themselves (w - w0), and how many of them differ by more than lr / 2: Adam's
        first step is about +-lr for every weight whose gradient is above ~1e-6, so such a
        difference is a weight that stepped the other way (or not at all) in one of the two."""
        convlab, tf32, tf64 = (np.asarray(x, np.float64) for x in (convlab, tf32, tf64))
        far = lambda a, b: int(np.count_nonzero(np.abs(a - b) > LEARNING_RATE / 2))
        return {"update_convlab_vs_f64": rel(convlab, tf64), "update_tf32_vs_f64": rel(tf32, tf64),
                "update_convlab_vs_tf32": rel(convlab, tf32), "count": int(convlab.size),
                "flipped_convlab_vs_f64": far(convlab, tf64), "flipped_tf32_vs_f64": far(tf32, tf64),
                "flipped_convlab_vs_tf32": far(convlab, tf32)}

    w0 = {n: np.asarray(value, np.float64) for n, value in initial}
    rows = []
    for n in names:
        for what, convlab, tf32, tf64 in (
                ("m", named[f"optimizer/{n}/m"], s32[(n, "m")], s64[(n, "m")]),
                ("v", named[f"optimizer/{n}/v"], s32[(n, "v")], s64[(n, "v")]),
                ("w", named[n], w32[n], w64[n])):
            rows.append({"variable": n, "tensor": what, "convlab_vs_f64": rel(convlab, tf64),
                         "tf32_vs_f64": rel(tf32, tf64), "convlab_vs_tf32": rel(convlab, tf32),
                         # the update itself (w - w0): where the update is what differs, not w
                         **(update_rows(convlab - w0[n], tf32 - w0[n], tf64 - w0[n]) if what == "w" else {})})
    return {"loss_tf32": loss32, "loss_tf64": loss64, "logits_tf32_vs_f64": rel(logits32, logits64),
            "logits_max_abs": float(np.max(np.abs(logits64))), "rows": rows}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("trace", help="the directory a `convlab train --model lecture7-2017 --trace DIR` run wrote")
    ap.add_argument("--data", default=os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data", "mnist"))
    ap.add_argument("--steps", type=int, default=0, help="how many of the trace's steps to replay (0: all)")
    ap.add_argument("--legs", default="same,own",
                    help="which TF runs, in this order, comma-separated: same (ConvLab's masks), own (TF's "
                         "masks), ulp (ConvLab's masks, initial weights one ulp up)")
    ap.add_argument("--seed", type=int, default=1, help="the global seed of TensorFlow's own masks (leg B)")
    ap.add_argument("--draws", type=int, default=5, help="2017-way test passes scored per leg (0: clean only)")
    ap.add_argument("--first-draw-seed", type=int, default=1, help="the draws use tf.random.set_seed(first, ...)")
    ap.add_argument("--step1-checkpoint", help="ConvLab's state after its first step (`--limit 128 --checkpoint`)")
    ap.add_argument("--convlab-checkpoint", help="ConvLab's state after the traced epoch (`--checkpoint`)")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--json", help="write every step's losses, the scores and the checks here as well")
    args = ap.parse_args()
    legs = args.legs.split(",")
    if not legs or any(leg not in ("same", "own", "ulp") for leg in legs) or args.draws < 0 or args.steps < 0:
        raise SystemExit("--legs takes same, own and/or ulp, comma-separated; --draws and --steps at least 0")

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import tensorflow as tf
    tf.config.threading.set_intra_op_parallelism_threads(args.threads)
    tf.config.threading.set_inter_op_parallelism_threads(1)

    initial_header, _ = read_checkpoint_file(os.path.join(args.trace, "initial.ckpt"))
    if initial_header["model"] != "lecture7-2017":
        raise SystemExit(f"{args.trace}: a trace of {initial_header['model']}, this script replays lecture7-2017")
    convlab_losses, convlab_masks, examples = read_trace(args.trace)
    steps = len(convlab_losses) if args.steps == 0 else min(args.steps, len(convlab_losses))
    initial = read_checkpoint(os.path.join(args.trace, "initial.ckpt"))
    train_x, train_y, test_x, test_y = load(args.data, TRAIN_COUNT)
    if any(e is None for e in examples[:steps]):
        raise SystemExit(f"{args.trace}: steps.jsonl names no batches (an older trace)")
    batches = [(train_x[np.array(e)], train_y[np.array(e)]) for e in examples[:steps]]
    out = {"trace": os.path.basename(os.path.normpath(args.trace)), "seed": initial_header["seed"], "steps": steps,
           "tensorflow": tf.__version__, "threads": args.threads, "convlab": convlab_losses[:steps]}

    def save():
        if args.json:
            with open(args.json + ".tmp", "w") as f:
                json.dump(out, f, indent=1)
                f.write("\n")
            os.replace(args.json + ".tmp", args.json)

    if args.step1_checkpoint:
        check = first_step_check(tf, initial, batches[0], convlab_masks[0], args.step1_checkpoint)
        out["first_step"] = check
        save()
        print(f"first step: loss ConvLab {convlab_losses[0]:.9g}, TF float32 {check['loss_tf32']:.9g}, "
              f"float64 {check['loss_tf64']:.9g}; largest logit {check['logits_max_abs']:.4g}")
        print(f"{'variable':<22} {'':>2} {'ConvLab-f64':>12} {'TF32-f64':>12} {'ConvLab-TF32':>12}")
        for r in check["rows"]:
            print(f"{r['variable']:<22} {r['tensor']:>2} {r['convlab_vs_f64']:>12.2e} {r['tf32_vs_f64']:>12.2e} "
                  f"{r['convlab_vs_tf32']:>12.2e}")
            if r["tensor"] == "w":
                print(f"{'':<22} {'dw':>2} {r['update_convlab_vs_f64']:>12.2e} {r['update_tf32_vs_f64']:>12.2e} "
                      f"{r['update_convlab_vs_tf32']:>12.2e}")
                print(f"{'':<22} {'n':>2} {r['flipped_convlab_vs_f64']:>12} {r['flipped_tf32_vs_f64']:>12} "
                      f"{r['flipped_convlab_vs_tf32']:>12}  of {r['count']:,}")
        print("(each: max |a - b| / max |b| over the tensor; m = (1 - beta1) * gradient, dw = the update;\n"
              " n = how many updates differ by more than lr/2, i.e. weights that stepped another way)\n")

    columns = {leg: [float("nan")] * steps for leg in ("same", "own", "ulp")}
    labels = {"same": "A, ConvLab's masks", "own": "B, TF's own masks", "ulp": "C, ConvLab's masks, weights 1 ulp up"}
    nudged = [(name, np.nextafter(value, np.float32(np.inf))) for name, value in initial]
    final_same = None  # leg A's final weights, which leg C's are measured against
    for leg in legs:
        label = labels[leg]
        masks = None if leg == "own" else convlab_masks[:steps]
        losses, variables, optimizer = replay(tf, nudged if leg == "ulp" else initial, batches, masks, args.seed, label)
        columns[leg] = losses
        out[KEYS[leg]] = losses
        save()
        final = {name: v.numpy().astype(np.float64) for (name, _), v in zip(initial, variables)}
        if leg == "same":
            final_same = final
        if leg == "ulp" and final_same is not None:
            out["final_weights_distance_ulp"] = {
                name: float(np.linalg.norm(final[name] - final_same[name]) / np.linalg.norm(final_same[name]))
                for name in final}
        if leg == "same" and args.convlab_checkpoint:
            header, tensors = read_checkpoint_file(args.convlab_checkpoint)
            named = dict(tensors)
            out["final_weights_distance"] = {
                name: float(np.linalg.norm(final[name] - named[name]) / np.linalg.norm(named[name].astype(np.float64)))
                for name in final}
            record = header["history"][-1]
            out["convlab_scores"] = {"test_accuracy": record["test_accuracy"], "test_accuracy_2017": next(
                (s["accuracy"] for s in record.get("scores", []) if s["scoring"] == "2017"), None)}
        # Leg C measures a rate, not a state: its end is scored cleanly only.
        out[f"{KEYS[leg]}_scores"] = score(tf, variables, optimizer, test_x, test_y, 0 if leg == "ulp" else args.draws,
                                              args.first_draw_seed, label)
        save()

    a = np.array(convlab_losses[:steps])
    b, c, u = (np.array(columns[leg]) for leg in ("same", "own", "ulp"))
    relative = (b - a) / np.abs(a)      # TF with ConvLab's masks against ConvLab
    relative_ulp = (u - b) / np.abs(b)  # TF one ulp off against TF (NaN unless both legs ran)
    print(f"{'step':>5} {'ConvLab':>13} {'TF, same masks':>15} {'relative':>10} "
          f"{'TF, 1 ulp off':>14} {'vs same':>10} {'TF, own masks':>14}")
    shown = sorted({s for s in range(1, min(steps, 20) + 1)} | set(range(25, steps + 1, 25)) | {steps})
    for s in shown:
        i = s - 1
        print(f"{s:>5} {a[i]:>13.7g} {b[i]:>15.7g} {relative[i]:>10.2e} {u[i]:>14.7g} {relative_ulp[i]:>10.2e} "
              f"{c[i]:>14.7g}")
    thresholds = {"tf_vs_convlab": {}, "ulp_vs_tf": {}}
    for name, series in (("tf_vs_convlab", relative), ("ulp_vs_tf", relative_ulp)):
        if np.all(np.isnan(series)):
            continue
        for limit in (1e-6, 1e-4, 1e-2):
            over = np.nonzero(np.abs(series) > limit)[0]
            thresholds[name][str(limit)] = int(over[0]) + 1 if over.size else None
        what = "TF (ConvLab's masks) vs ConvLab" if name == "tf_vs_convlab" else "TF one ulp off vs TF"
        print(f"{what}: first step with |relative difference| above 1e-6, 1e-4, 1e-2: "
              + ", ".join(str(thresholds[name][str(x)] or "none") for x in (1e-6, 1e-4, 1e-2)))
    means = {"convlab": float(a.mean()), "tf_same_masks": float(np.mean(b)), "tf_own_masks": float(np.mean(c)),
             "tf_same_masks_ulp": float(np.mean(u))}
    print(f"mean loss over steps 1-{steps}: ConvLab {means['convlab']:.6g}, TF same masks "
          f"{means['tf_same_masks']:.6g}, TF one ulp off {means['tf_same_masks_ulp']:.6g}, "
          f"TF own masks {means['tf_own_masks']:.6g}")
    out.update({"relative_difference": [float(x) for x in relative],
                "relative_difference_ulp": [float(x) for x in relative_ulp],
                "first_step_over": thresholds, "mean_loss": means})
    if "final_weights_distance" in out:
        print("leg A's final weights against ConvLab's (|w_TF - w_ConvLab| / |w_ConvLab|): "
              + ", ".join(f"{n} {d:.2e}" for n, d in out["final_weights_distance"].items()))
    if "final_weights_distance_ulp" in out:
        print("leg C's final weights against leg A's (|w_C - w_A| / |w_A|): "
              + ", ".join(f"{n} {d:.2e}" for n, d in out["final_weights_distance_ulp"].items()))
    if "convlab_scores" in out:
        print(f"ConvLab's own scores: clean {out['convlab_scores']['test_accuracy']:.4f}, "
              f"2017 way {out['convlab_scores']['test_accuracy_2017']}")
    for leg in legs:
        s = out[f"{KEYS[leg]}_scores"]
        line = f"{labels[leg]}: clean {s['clean_accuracy']:.4f}"
        if s["n"]:
            line += (f", 2017 way over {s['n']} draws: mean {s['mean']:.4f}, sd {s['sd'] or 0:.4f}, "
                     f"{s['min']:.4f} to {s['max']:.4f}")
        print(line)

    # A leg left out (--legs) is null, as strict JSON readers want it (not NaN).
    out = json.loads(json.dumps(out).replace("NaN", "null"))
    out["complete"] = True
    save()


if __name__ == "__main__":
    main()
