#!/usr/bin/env python3
"""Hammers the `convlab` command line as a hostile user would: random subcommands with odd, huge,
negative, zero, non-numeric and missing arguments, and hostile files (damaged, huge-claiming,
directories, devices). Each run gets a timeout and a 4 GB address-space limit (ulimit -v 4000000).

A run passes when it exits 0, or exits 1 with a one-line "convlab: ..." error on stderr (which
some commands follow with their usage). It fails on a signal (trap, abort, segfault), another exit status, or a timeout. Commands
that legitimately train or benchmark for longer than the timeout are kept out of the argument
pools (small --limit/--train, the MLP rather than lecture 7 unless --data is a tiny set). A run
that times out is run again with six times the timeout: finishing then counts as "slow" (a
loaded machine), not finishing as a hang.

usage: Fuzz/cli.py [--binary .build/release/convlab] [--cases 1000] [--seed 1] [--timeout 10] [--log FILE]
"""
import argparse, gzip, json, os, random, resource, shutil, struct, subprocess, sys, tempfile, time, zlib

parser = argparse.ArgumentParser()
parser.add_argument("--binary", default=".build/release/convlab")
parser.add_argument("--cases", type=int, default=1000)
parser.add_argument("--seed", type=int, default=1)
parser.add_argument("--timeout", type=float, default=10)
parser.add_argument("--log", default=None)
options = parser.parse_args()
binary = os.path.abspath(options.binary)
rng = random.Random(options.seed)
work = tempfile.mkdtemp(prefix="convlab-cli-fuzz-")
os.chdir(work)


def write(path, data):
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def idx(dims, data):
    return struct.pack(">BBBB", 0, 0, 8, len(dims)) + b"".join(struct.pack(">I", d) for d in dims) + data


def mnist_dir(name, train, test, rows=28, cols=28, labels_delta=0, label_value=3, compress=True):
    for split, n in (("train", train), ("t10k", test)):
        images = idx([n, rows, cols], bytes((i * 37) % 256 for i in range(n * rows * cols)))
        labels = idx([n + labels_delta], bytes([label_value]) * (n + labels_delta))
        suffix = ".gz" if compress else ""
        write("%s/%s-images-idx3-ubyte%s" % (name, split, suffix), gzip.compress(images) if compress else images)
        write("%s/%s-labels-idx1-ubyte%s" % (name, split, suffix), gzip.compress(labels) if compress else labels)
    return name


def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(width, height, depth=8, color=0, raw=None):
    rowbytes = (width * {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[color] * depth + 7) // 8
    raw = raw if raw is not None else b"".join(b"\0" + bytes((x * 5) % 256 for x in range(rowbytes)) for _ in range(height))
    extra = chunk(b"PLTE", bytes(range(48))) if color == 3 else b""
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, depth, color, 0, 0, 0)) + extra
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


# Files the commands are pointed at.
os.makedirs("emptydir", exist_ok=True)
dirs = [mnist_dir("tiny", 64, 16), mnist_dir("tinyraw", 40, 8, compress=False), mnist_dir("wrong", 20, 4, rows=32, cols=112),
        mnist_dir("mismatch", 20, 4, labels_delta=-1), mnist_dir("badlabel", 20, 4, label_value=200),
        mnist_dir("empty", 0, 0), "emptydir", "/nonexistent", "/dev/null", "/"]
write("bomb/train-images-idx3-ubyte.gz", gzip.compress(idx([400000, 28, 28], bytes(400000 * 784)), 9))
write("bomb/train-labels-idx1-ubyte.gz", gzip.compress(idx([400000], bytes(400000))))
shutil.copy("tiny/t10k-images-idx3-ubyte.gz", "bomb/")
shutil.copy("tiny/t10k-labels-idx1-ubyte.gz", "bomb/")
dirs.append("bomb")
pictures = {"small.png": png(17, 9), "grey1.png": png(40, 30, 1), "rgb.png": png(20, 10, 8, 2),
            "palette.png": png(8, 8, 4, 3), "wide.png": png(16385, 1), "huge.png": png(16384, 16384, 1, 0, bytes(16384 * 2049)),
            "big.png": png(4096, 4096), "truncated.png": png(17, 9)[:60], "p5.pgm": b"P5 3 2 255\n" + bytes(6),
            "p3.ppm": b"P3 2 1 255 1 2 3 4 5 6\n", "huge.pgm": b"P5 16384 16384 255\n", "text.txt": b"hello"}
for name, data in pictures.items():
    write(name, data)
x3 = {"shape": [1, 3, 3, 1], "data": [1, 2, 3, 4, 5, 6, 7, 8, 9]}
base_cases = [
    {"id": "c", "op": "conv2d", "attrs": {"padding": "SAME", "strides": 1, "dilations": 1}, "inputs": {"x": x3, "w": {"shape": [2, 2, 1, 1], "data": [1, 2, 3, 4]}}},
    {"id": "p", "op": "max_pool", "attrs": {"ksize": [2, 2], "strides": [1, 1], "padding": "VALID"}, "inputs": {"x": x3}},
    {"id": "a", "op": "avg_pool", "attrs": {"ksize": 3, "strides": 2, "padding": "SAME"}, "inputs": {"x": x3}},
    {"id": "r", "op": "resize", "attrs": {"size": [5, 4], "method": "bicubic"}, "inputs": {"x": x3}},
    {"id": "s", "op": "softmax", "inputs": {"x": {"shape": [3, 3], "data": [1, 2, 3, 4, 5, 6, 7, 8, 9]}}},
    {"id": "d", "op": "dense", "inputs": {"x": {"shape": [1, 2], "data": [1, 2]}, "w": {"shape": [2, 2], "data": [1, 2, 3, 4]}, "b": {"shape": [2], "data": [0, 1]}}},
    {"id": "dw", "op": "depthwise_conv2d", "attrs": {"padding": "SAME", "dilations": 2}, "inputs": {"x": x3, "w": {"shape": [2, 2, 1, 2], "data": [1, 2, 3, 4, 5, 6, 7, 8]}}},
    {"id": "c1", "op": "conv1d", "attrs": {"padding": "SAME", "stride": 1}, "inputs": {"x": {"shape": [1, 4, 1], "data": [1, 2, 3, 4]}, "w": {"shape": [2, 1, 1], "data": [1, 2]}}},
]
NUMBERS = ["0", "-1", "1", "2", "3", "7", "28", "255", "16384", "16385", "1e3", "1e-3", "1.5", "nan", "inf", "-inf", "1e38", "1e39",
           "2147483647", "2147483648", "4294967296", "1099511627776", "9223372036854775807", "9223372036854775808",
           "-9223372036854775808", "18446744073709551615", "", " ", "abc", "0x10", "-0", "+5", "1_000", "٣", "1e308"]


def number():
    return rng.choice(NUMBERS) if rng.random() < 0.8 else str(rng.choice([1, 2, 4, 8, 16, 64, 100, 1000]))


def mutate_numbers(value):
    if isinstance(value, dict):
        return {k: mutate_numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [mutate_numbers(v) for v in value]
    if isinstance(value, (int, float)) and not isinstance(value, bool) and rng.random() < 0.15:
        return rng.choice([0, -1, 2, 3, 2 ** 31 - 1, 2 ** 31, 2 ** 32, 2 ** 40, 2 ** 62, 2 ** 63 - 1, 1e308, 1.5, -7, 16384])
    return value


def cases_file():
    name = "cases%d.json" % rng.randrange(1 << 30)
    chosen = [mutate_numbers(json.loads(json.dumps(rng.choice(base_cases)))) for _ in range(rng.randint(1, 3))]
    for i, case in enumerate(chosen):
        case["id"] = "k%d" % i
    text = json.dumps({"format": "cnn-golden-v1", "cases": chosen})
    if rng.random() < 0.15:
        cut = rng.randrange(len(text))
        text = text[:cut] + rng.choice(["", "@", "]", "{", "\"", "1e999"]) + text[cut + 1:]
    write(name, text)
    return name


def checkpoint_file():
    """A checkpoint from an earlier `train --checkpoint` run, with its header's numbers mutated."""
    if not os.path.exists("mlp.ckpt"):
        subprocess.run([binary, "train", "--model", "mlp", "--epochs", "1", "--checkpoint", "mlp.ckpt", "--out", "o"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    data = open("mlp.ckpt", "rb").read()
    n = struct.unpack("<I", data[8:12])[0]
    header = mutate_numbers(json.loads(data[12:12 + n]))
    if rng.random() < 0.3 and header["tensors"]:
        entry = rng.choice(header["tensors"])
        entry["shape"] = rng.choice([[1], [2 ** 32, 2 ** 32], [2 ** 62], [0], [64, 0], [2 ** 40, 0], entry["shape"][::-1]])
    text = json.dumps(header).encode()
    body = bytearray(data[12 + n:])
    if rng.random() < 0.3 and body:
        del body[rng.randrange(len(body)):]
    name = "c%d.ckpt" % rng.randrange(1 << 30)
    write(name, data[:8] + struct.pack("<I", len(text)) + text + bytes(body))
    return name


def path_value():
    return rng.choice(dirs + list(pictures) + ["/dev/zero", "/dev/null", "emptydir", "x" * 5000, "é/ü", "-", "--json"])


def out_value():
    # Never "/" or another real directory outside the work folder: the fuzzer may run as root.
    return rng.choice(["o", "o/deeper/still", "/dev/null", "emptydir", "/proc/x", "small.png", "x" * 300, "out.ppm", "out.pgm",
                       "out.bmp", "/nonexistent/o", "tiny"])


def maybe(options_list):
    args = []
    for flag, make in options_list:
        if rng.random() < 0.35:
            args.append(flag)
            if make is not None and rng.random() < 0.95:
                args.append(make())
    rng.shuffle(args) if rng.random() < 0.1 else None
    return args


def command():
    sub = rng.choice(["train"] * 5 + ["shapes"] * 3 + ["kernels"] * 3 + ["conformance"] * 4 + ["data"] * 2
                     + ["animate"] * 3 + ["srcnn", "autoencoder", "lecture", "tour", "help", "bench", "bogus", "download-mnist"])
    if sub == "train":
        args = ["--model", rng.choice(["mlp"] * 6 + ["lecture7", "tutorial03", "tutorial03-softmax", "notebook", "MLP", "bogus", ""])]
        if args[1] != "mlp" or rng.random() < 0.3:
            args += ["--data", rng.choice(dirs)]
        # Valid epoch counts stay small: 2^63 - 1 epochs is a legitimately endless run, not a hang.
        args += ["--epochs", rng.choice(["1", "2", "0", "-1", "abc", "9223372036854775808", "1e3", "", "-9223372036854775808"])]
        args += maybe([("--batch", number), ("--lr", number), ("--seed", number), ("--threads", number),
                       ("--path", lambda: rng.choice(["reference", "fast", "slow", ""])),
                       ("--loss", lambda: rng.choice(["softmax", "sigmoid", "both", "mse"])), ("--limit", number),
                       ("--json", None), ("--profile", None), ("--out", out_value), ("--checkpoint", out_value),
                       ("--resume", lambda: checkpoint_file() if rng.random() < 0.7 else path_value())])
        if "--data" in args and "--limit" not in args:
            args += ["--limit", rng.choice(["1", "16", "64"])]
        return [sub] + args
    if sub == "shapes":
        return [sub] + maybe([("--input", number), ("--kernel", number), ("--stride", number), ("--dilation", number),
                              ("--padding", lambda: rng.choice(["SAME", "valid", "full", ""])), ("--bogus", number)])
    if sub == "kernels":
        args = [path_value()] if rng.random() < 0.9 else []
        return [sub] + args + maybe([("--stride", number), ("--scale", number), ("--out", out_value),
                                     ("--path", lambda: rng.choice(["reference", "fast", "x"]))])
    if sub == "conformance":
        args = [cases_file() if rng.random() < 0.8 else path_value(), rng.choice(["r.json", "/dev/null", "emptydir", "/nonexistent/r.json"])]
        if rng.random() < 0.1:
            args = args[:rng.randint(0, 1)]
        return [sub] + args + maybe([("--path", lambda: rng.choice(["reference", "fast", "both"]))])
    if sub == "data":
        return [sub] + rng.choice([[], [path_value()], ["--fashion"], ["--bench", rng.choice(["tiny", "emptydir", "/nonexistent", "bomb"])]])
    if sub in ("srcnn", "autoencoder"):
        return [sub, "--train", rng.choice(["1", "8", "32", "0", "-3", "abc"]), "--data", rng.choice(dirs)] + maybe(
            [("--epochs", lambda: rng.choice(["1", "0", "-1", "abc", "99999999999999999999"])), ("--out", out_value),
             ("--path", lambda: rng.choice(["reference", "fast", "x"])), ("--seed", number), ("--json", None)])
    if sub == "lecture":
        return [sub] + rng.choice([[], [number()], [number(), "--snippet", rng.choice(["stride", "x", ""])],
                                   ["check", number(), "--dir", "emptydir"], ["update", number(), "--dir", "emptydir"],
                                   [rng.choice(["1", "2", "3", "5"]), "--figures", out_value()], ["--full"]])
    if sub == "bench":
        # Only arguments that must be refused: a valid benchmark runs for minutes by design.
        return [sub] + rng.choice([["--batch", rng.choice(["0", "-1", "1025", "abc", "9223372036854775808", ""])],
                                   ["--threads", rng.choice(["0", "-4", "257", "x", "1e3"])],
                                   ["--repeats", rng.choice(["0", "1025", "-9", "nan"])], ["--bogus"], ["--batch"]])
    if sub == "animate":
        size = lambda: rng.choice([number(), number() + "x" + number(), "3x", "x3", "2x2x2"])
        values = lambda: rng.choice(["1,2,3;4,5,6;7,8,9", "1 2;3", "nan,inf", ";;", "1e39", ",".join(["1"] * rng.randint(0, 200))])
        return [sub] + maybe([("--op", lambda: rng.choice(["conv2d", "depthwise", "max-pool", "avg-pool", "conv2d-transpose", "x"])),
                              ("--input", size), ("--channels", number), ("--kernel", size), ("--stride", size),
                              ("--dilation", size), ("--padding", lambda: rng.choice(["SAME", "VALID", number(), "1,2", "1,2,3,4", "7,7,7,7", "-1", "1,2,3"])),
                              ("--filters", number), ("--output-size", size), ("--input-values", values), ("--filter-values", values),
                              ("--step-seconds", number), ("--out", lambda: rng.choice(["a.svg", out_value()])),
                              ("--frames", lambda: rng.choice(["frames", out_value()]))])
    if sub == "download-mnist":
        return [sub, rng.choice(["dl", "/dev/null/x", "emptydir"])]
    return [sub] + maybe([("--x", number)])


def limits():
    resource.setrlimit(resource.RLIMIT_AS, (4_000_000 * 1024, 4_000_000 * 1024))


def run(args, timeout=None):
    start = time.time()
    try:
        result = subprocess.run([binary] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, preexec_fn=limits,
                                timeout=timeout or options.timeout)
    except subprocess.TimeoutExpired:
        if timeout is None:
            # On a shared, loaded machine a run can miss the timeout by waiting for a core: run it
            # again with six times as long. Finishing then makes it "slow", not a hang.
            outcome, seconds, detail = run(args, timeout=6 * options.timeout)
            return ("slow" if outcome in ("ok", "error") else outcome), seconds, detail
        return "timeout", time.time() - start, ""
    stderr = result.stderr.decode("utf-8", "replace").strip().splitlines()
    errors = [line for line in stderr if line.startswith("convlab: ")]
    if result.returncode == 0:
        return "ok", time.time() - start, ""
    if result.returncode == 1 and errors:   # the error line, then perhaps the usage or the mirrors tried
        return "error", time.time() - start, errors[0]
    return "crash(%d)" % result.returncode, time.time() - start, "\n".join(stderr[-6:])


counts = {}
findings = []
log = open(options.log, "w") if options.log else None
for i in range(options.cases):
    args = command()
    outcome, seconds, detail = run(args)
    key = outcome if not outcome.startswith("crash") else "crash"
    counts[key] = counts.get(key, 0) + 1
    line = "%5d %-10s %5.1fs convlab %s  %s" % (i, outcome, seconds, " ".join(repr(a) if " " in a or a == "" else a for a in args)[:300],
                                               detail.replace("\n", " | ")[:300])
    if log:
        log.write(line + "\n")
        log.flush()
    if outcome not in ("ok", "error", "slow"):
        findings.append(line)
        print(line, flush=True)
print("cases %d: %s" % (options.cases, ", ".join("%s %d" % kv for kv in sorted(counts.items()))))
shutil.rmtree(work, ignore_errors=True)
sys.exit(1 if findings else 0)
