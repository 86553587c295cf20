#!/usr/bin/env python3
"""Score one ConvLab `lecture7-2017` checkpoint the 2017 way in TensorFlow, over many dropout draws.

Issue #17: ConvLab's 2017-way score sat just below TensorFlow's spread over seeds while its clean
score was higher. Is the 2017 test pass the same in both libraries (so the gap is the weights each
training run reached), or does the test pass itself differ? This script answers it from the very
same weights: it loads a checkpoint that `convlab train --model lecture7-2017 --checkpoint FILE`
saved after an epoch, its variables AND its Adam state, into the network and the training step of
`tf_train_accuracy.py --model lecture7-2017` (imported, not copied), and then

  - scores the weights cleanly (no dropout, no update): this must give the checkpoint's own
    `test_accuracy`, the proof that the load is right;
  - runs the script's test pass (78 batches of 128 test digits in file order, each one Adam step
    with dropout on, scored on the logits before its step, correct / 10,000) `--draws` times from
    the restored state, each with other dropout masks (`tf.random.set_seed(s)` for s in `--seeds`,
    a freshly traced step, so a fresh mask stream);
  - as a side note, runs the same test pass from the weights with fresh Adam state (zero slots,
    step 0), as if the optimizer had been created for the test pass.

ConvLab's Adam state maps onto `tf.compat.v1.train.AdamOptimizer` (epsilon 1e-8) as follows: the
checkpoint's `optimizer/<variable>/m` and `/v` are the optimizer's slots "m" and "v" of that
variable, and its step t (the updates applied so far) sets the two non-slot variables
`beta1_power` and `beta2_power` to beta^(t+1): TF keeps them one power ahead (created as beta,
used by the update, multiplied by beta after it), so the next update uses beta^(t+1) as ConvLab's
`Float.pow(beta, t + 1)`. They are set to the float32 `powf` value ConvLab computes; later TF
multiplies them by beta in float32 as usual (a difference in the last bit at most).

    python3 Benchmarks/tf_score_checkpoint.py /work/coord/s7/testpass/seed3-e1.ckpt \\
        --draws 20 --fresh-draws 5 --threads 1 --json Lectures/results/tf-score-checkpoint-seed3-e1.json

where the checkpoint came from

    convlab train --model lecture7-2017 --data ../shared/data/mnist --epochs 1 --seed 3 \\
        --threads 1 --json --checkpoint seed3-e1.ckpt
"""
import argparse
import json
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tf_train_accuracy import (clean_accuracy, load, read_checkpoint_file, score_script2017,  # noqa: E402
                               script2017_logits, script2017_step)

BETA1, BETA2 = 0.9, 0.999


def summary(scores):
    a = np.array(scores, dtype=np.float64)
    return {"n": int(a.size), "mean": float(a.mean()), "sd": float(a.std(ddof=1)) if a.size > 1 else None,
            "min": float(a.min()), "max": float(a.max())}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("checkpoint", nargs="?", help="a `convlab train --model lecture7-2017 --checkpoint FILE` file")
    ap.add_argument("--merge", nargs="+", metavar="JSON",
                    help="instead: combine the --json files of runs on one checkpoint with other --first-seed")
    ap.add_argument("--data", default=os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data", "mnist"))
    ap.add_argument("--draws", type=int, default=20, help="test passes from the checkpoint's Adam state")
    ap.add_argument("--fresh-draws", type=int, default=5, help="test passes from fresh Adam state (0: none)")
    ap.add_argument("--first-seed", type=int, default=1, help="the draws use tf.random.set_seed(first, first + 1, ...)")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--json", help="write the figures here as well")
    args = ap.parse_args()
    if args.merge:
        out = merge(args.merge)
        print(json.dumps(out))
        if args.json:
            with open(args.json, "w") as f:
                json.dump(out, f, indent=1)
                f.write("\n")
        return
    if not args.checkpoint:
        raise SystemExit("name a checkpoint (or --merge JSON files)")
    if args.draws < 1 or args.fresh_draws < 0 or args.first_seed < 1:
        raise SystemExit("--draws must be at least 1, --fresh-draws at least 0, --first-seed at least 1")

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import tensorflow as tf
    tf.config.threading.set_intra_op_parallelism_threads(args.threads)
    tf.config.threading.set_inter_op_parallelism_threads(1)

    header, tensors = read_checkpoint_file(args.checkpoint)
    if header["model"] != "lecture7-2017":
        raise SystemExit(f"{args.checkpoint}: model {header['model']}, this script scores lecture7-2017")
    named = dict(tensors)
    weights = [(name, value) for name, value in tensors if not name.startswith("optimizer/")]
    if len(weights) != 8:
        raise SystemExit(f"{args.checkpoint}: {len(weights)} variables, lecture 7's network has 8")
    t = int(header["optimizerStep"])
    record = header["history"][-1]
    convlab = {"epoch": record["epoch"], "seed": header["seed"], "optimizer_step": t,
               "test_accuracy": record["test_accuracy"],
               "test_accuracy_2017": next((s["accuracy"] for s in record.get("scores", []) if s["scoring"] == "2017"), None)}
    _, _, test_x, test_y = load(args.data, 55000)

    variables = [tf.Variable(value) for _, value in weights]

    def new_optimizer():
        optimizer = tf.compat.v1.train.AdamOptimizer(header["learningRate"])
        # The slots and beta powers come into being at the first update (under init_scope);
        # _create_slots is what apply_gradients calls for that, and it skips what exists.
        with tf.init_scope():
            optimizer._create_slots(variables)
        return optimizer

    def restore(optimizer, fresh):
        """Puts the checkpoint's weights back and the optimizer's state: the checkpoint's, or fresh."""
        for variable, (_, value) in zip(variables, weights):
            variable.assign(value)
        beta1_power, beta2_power = optimizer._get_beta_accumulators()
        for variable, (name, _) in zip(variables, weights):
            for slot in ("m", "v"):
                value = np.zeros(variable.shape, np.float32) if fresh else named[f"optimizer/{name}/{slot}"]
                optimizer.get_slot(variable, slot).assign(value)
        # ConvLab's next update uses powf(beta, t + 1); TF's uses beta_power as it stands.
        power = 1 if fresh else t + 1
        beta1_power.assign(np.power(np.float32(BETA1), np.float32(power)))
        beta2_power.assign(np.power(np.float32(BETA2), np.float32(power)))
        return variables + optimizer.variables()

    optimizer = new_optimizer()
    restore(optimizer, fresh=False)
    # The load, checked back: every slot reads back as the checkpoint holds it.
    for variable, (name, _) in zip(variables, weights):
        for slot in ("m", "v"):
            if not np.array_equal(optimizer.get_slot(variable, slot).numpy(), named[f"optimizer/{name}/{slot}"]):
                raise SystemExit(f"slot {name}/{slot} did not load")
    if len(optimizer.variables()) != 2 + 2 * len(variables):
        raise SystemExit(f"the optimizer holds {len(optimizer.variables())} variables, expected {2 + 2 * len(variables)}")

    clean_logits = tf.function(lambda x: script2017_logits(tf, variables, x, 1.0))
    clean = clean_accuracy(clean_logits, test_x, test_y)
    print(f"checkpoint: epoch {convlab['epoch']} of seed {convlab['seed']}, Adam step {t}", file=sys.stderr)
    print(f"clean accuracy: TF {clean:.4f} ({int(round(clean * 10000))} of 10,000), "
          f"ConvLab {convlab['test_accuracy']:.4f}", file=sys.stderr)

    restored, fresh = [], []

    def report(done):
        """The figures so far; written to --json after every draw, so a run cut short keeps them."""
        out = figures(convlab, clean, restored, fresh)
        out.update({"checkpoint": os.path.basename(args.checkpoint), "complete": done,
                    "tensorflow": tf.__version__, "threads": args.threads})
        if args.json:
            with open(args.json + ".tmp", "w") as f:
                json.dump(out, f, indent=1)
                f.write("\n")
            os.replace(args.json + ".tmp", args.json)
        return out

    def draws(count, fresh_state, results):
        for seed in range(args.first_seed, args.first_seed + count):
            start = time.time()
            opt = new_optimizer() if fresh_state else optimizer
            state = restore(opt, fresh_state)
            tf.random.set_seed(seed)            # the masks: a new seed and a newly traced step
            step = script2017_step(tf, variables, opt)
            score = score_script2017(step, state, test_x, test_y)
            results.append({"seed": seed, "test_accuracy_2017": score})
            report(False)
            print(f"{'fresh Adam' if fresh_state else 'restored Adam'}, mask seed {seed}: {score:.4f} "
                  f"({time.time() - start:.0f} s)", file=sys.stderr, flush=True)

    report(False)
    draws(args.draws, False, restored)
    # The weights are back where the checkpoint left them (score_script2017 restores them).
    if not all(np.array_equal(v.numpy(), value) for v, (_, value) in zip(variables, weights)):
        raise SystemExit("the test passes did not put the weights back")
    draws(args.fresh_draws, True, fresh)
    out = report(True)
    s = out["tf_2017_restored_adam"]
    print(f"2017 way, restored Adam, {s['n']} mask draws: mean {s['mean']:.4f}, sd {s['sd'] or 0:.4f}, "
          f"min {s['min']:.4f}, max {s['max']:.4f}; ConvLab's own draw {convlab['test_accuracy_2017']}", file=sys.stderr)
    print(json.dumps(out))


def figures(convlab, clean, restored, fresh):
    """ConvLab's figures beside TF's clean accuracy and the summaries of both sets of draws."""
    out = {"convlab": convlab, "tf_clean_accuracy": clean,
           "clean_difference": clean - convlab["test_accuracy"]}
    if restored:
        scores = [r["test_accuracy_2017"] for r in restored]
        s = summary(scores)
        own = convlab["test_accuracy_2017"]
        out["tf_2017_restored_adam"] = {"draws": restored, **s}
        out["convlab_2017_z"] = (own - s["mean"]) / s["sd"] if own is not None and s["sd"] else None
        out["tf_draws_below_convlab"] = sum(x < own for x in scores) if own is not None else None
    if fresh:
        out["tf_2017_fresh_adam"] = {"draws": fresh, **summary([r["test_accuracy_2017"] for r in fresh])}
    return out


def merge(paths):
    """One report from several runs of this script on the same checkpoint (other --first-seed)."""
    parts = [json.load(open(path)) for path in paths]
    first = parts[0]
    for path, part in zip(paths, parts):
        if part["convlab"] != first["convlab"] or part["tf_clean_accuracy"] != first["tf_clean_accuracy"]:
            raise SystemExit(f"{path}: another checkpoint or another clean score than {paths[0]}")
    restored = [d for p in parts for d in p.get("tf_2017_restored_adam", {}).get("draws", [])]
    fresh = [d for p in parts for d in (p.get("tf_2017_fresh_adam") or {}).get("draws", [])]
    for name, draws in (("restored", restored), ("fresh", fresh)):
        seeds = [d["seed"] for d in draws]
        if len(set(seeds)) != len(seeds):
            raise SystemExit(f"the {name}-Adam draws repeat a mask seed: {sorted(seeds)}")
    out = figures(first["convlab"], first["tf_clean_accuracy"],
                  sorted(restored, key=lambda d: d["seed"]), sorted(fresh, key=lambda d: d["seed"]))
    out.update({"checkpoint": first["checkpoint"], "complete": all(p["complete"] for p in parts),
                "merged_from": [os.path.basename(p) for p in paths],
                "tensorflow": first["tensorflow"], "threads": first["threads"]})
    return out

if __name__ == "__main__":
    main()
