#!/usr/bin/env python3
"""Builds ConvLab's embedded MNIST subset from the full MNIST files.

Usage: python3 Tools/make-embedded-mnist.py ../shared/data/mnist Sources/ConvLabData/Resources/MNIST

Writes the first 10,000 training digits and labels (the IDX header's count rewritten), the
full 10,000-digit test set, all gzip -9 with a zero timestamp so the output is reproducible,
and SHA256SUMS.raw with the SHA-256 of each file's decompressed bytes.
"""
import gzip, hashlib, os, struct, sys

TRAIN_COUNT = 10000

def read_idx(path):
    with gzip.open(path, "rb") as f:
        return f.read()

def subset(raw, count):
    magic, total = struct.unpack(">II", raw[:8])
    rank = magic & 0xFF
    dims = struct.unpack(">" + "I" * rank, raw[4:4 + 4 * rank])
    per_item = 1
    for d in dims[1:]:
        per_item *= d
    header = struct.pack(">I", magic) + struct.pack(">" + "I" * rank, count, *dims[1:])
    start = 4 + 4 * rank
    return header + raw[start:start + count * per_item]

def main(source, destination):
    os.makedirs(destination, exist_ok=True)
    sums = []
    for name, count in [("train-images-idx3-ubyte", TRAIN_COUNT), ("train-labels-idx1-ubyte", TRAIN_COUNT),
                        ("t10k-images-idx3-ubyte", None), ("t10k-labels-idx1-ubyte", None)]:
        raw = read_idx(os.path.join(source, name + ".gz"))
        if count is not None:
            raw = subset(raw, count)
        with open(os.path.join(destination, name + ".gz"), "wb") as out:
            with gzip.GzipFile(filename="", mode="wb", compresslevel=9, fileobj=out, mtime=0) as g:
                g.write(raw)
        sums.append(f"{hashlib.sha256(raw).hexdigest()}  {name}\n")
    with open(os.path.join(destination, "SHA256SUMS.raw"), "w") as f:
        f.writelines(sums)

if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
