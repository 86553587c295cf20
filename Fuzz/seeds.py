#!/usr/bin/env python3
"""Writes the seed corpora of the libFuzzer targets: small valid files of every kind each target
reads (the fuzzer mutates them; valid seeds get it past the magic numbers and checksums).

usage: Fuzz/seeds.py OUT_DIR [CASES.json]
  CASES.json: a cnn-golden-v1 file (../shared/conformance/dev.json); each case becomes a seed.
"""
import gzip, json, os, struct, sys, zlib

out = sys.argv[1]
cases_file = sys.argv[2] if len(sys.argv) > 2 else None


def write(target, name, data):
    os.makedirs(os.path.join(out, target), exist_ok=True)
    with open(os.path.join(out, target, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


# Inflate: the first byte picks gzip (0), zlib (1) or raw deflate (2).
text = b"Convolution slides a small filter over an image. " * 20 + bytes(range(256))
for level in (0, 1, 6, 9):
    write("Inflate", "gzip%d" % level, b"\x00" + gzip.compress(text, level))
    write("Inflate", "zlib%d" % level, b"\x01" + zlib.compress(text, level))
    raw = zlib.compressobj(level, zlib.DEFLATED, -15)
    write("Inflate", "raw%d" % level, b"\x02" + raw.compress(text) + raw.flush())
write("Inflate", "two-members", b"\x00" + gzip.compress(b"abc") + gzip.compress(b"def"))


# IDX: images [3, 4, 5], labels [3], an empty set; raw and gzip.
def idx(dims, data):
    return struct.pack(">BBBB", 0, 0, 8, len(dims)) + b"".join(struct.pack(">I", d) for d in dims) + data


for name, data in (("images", idx([3, 4, 5], bytes(range(0, 240, 4)))), ("labels", idx([3], bytes([1, 9, 0]))),
                   ("empty", idx([0, 28, 28], b"")), ("mnist-like", idx([2, 28, 28], bytes(range(256)) * 6 + bytes(32)))):
    write("IDX", name, data)
    write("IDX", name + ".gz", gzip.compress(data))


# PNG: every colour type, a few bit depths, a palette with transparency.
def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(width, height, depth, color, rows, extra=b""):
    header = struct.pack(">IIBBBBB", width, height, depth, color, 0, 0, 0)
    raw = b"".join(bytes([y % 5]) + row for y, row in enumerate(rows))   # filters 0..4 in turn
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + extra + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


w, h = 5, 3
write("PNG", "grey8", png(w, h, 8, 0, [bytes((x * 40 + y) % 256 for x in range(w)) for y in range(h)]))
write("PNG", "grey16", png(w, h, 16, 0, [bytes(x * 7 % 256 for x in range(2 * w)) for y in range(h)]))
write("PNG", "grey1", png(w, h, 1, 0, [bytes([0b10110000]) for y in range(h)]))
write("PNG", "rgb8", png(w, h, 8, 2, [bytes((x * 17) % 256 for x in range(3 * w)) for y in range(h)]))
write("PNG", "rgba8", png(w, h, 8, 6, [bytes((x * 13) % 256 for x in range(4 * w)) for y in range(h)]))
write("PNG", "grey-alpha8", png(w, h, 8, 4, [bytes((x * 11) % 256 for x in range(2 * w)) for y in range(h)]))
palette = chunk(b"PLTE", bytes([255, 0, 0, 0, 255, 0, 0, 0, 255])) + chunk(b"tRNS", bytes([128]))
write("PNG", "palette4", png(w, h, 4, 3, [bytes([0x01, 0x20, 0x10]) for y in range(h)], palette))

# PNM: P2, P3, P5, P6, and 16-bit samples.
write("PNM", "p2", "P2\n# grey\n3 2\n255\n0 128 255\n1 2 3\n")
write("PNM", "p3", "P3 2 1 15 15 0 0 0 15 0\n")
write("PNM", "p5", b"P5 3 2 255\n" + bytes([0, 128, 255, 1, 2, 3]))
write("PNM", "p6", b"P6\n2 1\n255\n" + bytes([255, 0, 0, 0, 255, 0]))
write("PNM", "p5-16bit", b"P5 2 2 65535\n" + bytes([0, 1, 2, 3, 255, 255, 128, 0]))

# Conformance: one case per seed, from the dev set when given, else a few by hand.
cases = []
if cases_file and os.path.exists(cases_file):
    for case in json.load(open(cases_file))["cases"]:
        case.pop("outputs", None)
        case.pop("expected", None)
        cases.append(case)
else:
    x = {"shape": [1, 3, 3, 1], "data": [1, 2, 3, 4, 5, 6, 7, 8, 9]}
    cases = [{"id": "c", "op": "conv2d", "attrs": {"padding": "SAME"}, "inputs": {"x": x, "w": {"shape": [2, 2, 1, 1], "data": [1, 2, 3, 4]}}},
             {"id": "m", "op": "max_pool", "attrs": {"ksize": 2, "padding": "VALID"}, "inputs": {"x": x}},
             {"id": "r", "op": "resize", "attrs": {"size": [4, 5]}, "inputs": {"x": x}},
             {"id": "s", "op": "softmax", "inputs": {"x": {"shape": [2, 2], "data": [1, 2, 3, 4]}}}]
for i, case in enumerate(cases):
    write("Conformance", "case%03d.json" % i, json.dumps({"format": "cnn-golden-v1", "cases": [case]}, separators=(",", ":")))


# Checkpoint: the MLP of `convlab train --model mlp`, without slots (gradient descent) and with
# Adam's m and v, in ConvLab's layout: "CONVLAB1", UInt32 header length, JSON header, Float32s.
def checkpoint(slots, step):
    shapes = [("ih/weights", [2, 64]), ("ih/biases", [64]), ("hh/weights", [64, 64]), ("hh/biases", [64]),
              ("hl/weights", [64, 4]), ("hl/biases", [4])]
    entries = list(shapes) + [("optimizer/%s/%s" % (n, s), shape) for n, shape in sorted(shapes) for s in slots]
    header = {"model": "mlp", "seed": 2017, "optimizerStep": step, "learningRate": 0.1,
              "history": [{"epoch": 1, "test_accuracy": 0.5, "train_loss": 1.25, "seconds": 0.1}],
              "tensors": [{"name": n, "shape": s} for n, s in entries]}
    body = b""
    for k, (_, shape) in enumerate(entries):
        count = 1
        for d in shape:
            count *= d
        body += struct.pack("<%df" % count, *[((i * 7 + k) % 13 - 6) / 20 for i in range(count)])
    text = json.dumps(header).encode()
    return b"CONVLAB1" + struct.pack("<I", len(text)) + text + body


write("Checkpoint", "mlp-sgd.ckpt", checkpoint([], 8))
write("Checkpoint", "mlp-adam.ckpt", checkpoint(["m", "v"], 8))
