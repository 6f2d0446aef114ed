"""Specification tests of convscope-bench on the patch probe (see make_runner_models.py).

usage: check_runner.py BENCH MODEL_DIR WORK_DIR CASE, CASE one of
  batch-invariant  the map for an all-ones input, logit score, window 50 stride 10: 19 x 19, largest drop
                   exactly 1.0 at row 6 column 15, every cell = overlap with the patch / 2500, and the same
                   bytes for --batch 1, 7 and 64
  edge-flush       window 30x20 stride 7x9: the grid ends with one window flush with the far edges
  prob             --score prob: the drop at the patch is sigmoid(1) - sigmoid(0)
  bench            the timed path on a small grid: JSON lines, summary fields, the loop agrees with the engine
Needs only numpy (exit 77, skipped, without it).
"""
import json
import math
import os
import subprocess
import sys

try:
    import numpy as np
except ImportError:
    print("skipped: this Python has no numpy")
    sys.exit(77)

PATCH_ROWS = (60, 110)
PATCH_COLS = (150, 200)


def offsets(size, w, s):
    """The grid placement of DESIGN.md section 4, written out independently of the runner."""
    out = list(range(0, size - w + 1, s))
    if out[-1] + w < size:
        out.append(size - w)
    return out


def expected_logit_drop(window, stride, size=224):
    tops = offsets(size, window[0], stride[0])
    lefts = offsets(size, window[1], stride[1])
    m = np.zeros((len(tops), len(lefts)))
    for i, t in enumerate(tops):
        for j, left in enumerate(lefts):
            rows = max(0, min(t + window[0], PATCH_ROWS[1]) - max(t, PATCH_ROWS[0]))
            cols = max(0, min(left + window[1], PATCH_COLS[1]) - max(left, PATCH_COLS[0]))
            m[i, j] = rows * cols / 2500.0
    return m


def run(bench, *args):
    proc = subprocess.run([bench, *args], capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"convscope-bench {' '.join(args)} exited {proc.returncode}: {proc.stderr.strip()}")
    return [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]


def load_npy(path):
    with open(path, "rb") as f:
        raw = f.read()
    assert raw[:8] == b"\x93NUMPY\x01\x00", raw[:8]
    header_len = raw[8] | (raw[9] << 8)
    assert (10 + header_len) % 64 == 0, f"data starts at {10 + header_len}, not 64-byte aligned"
    m = np.load(path)
    assert m.dtype == np.dtype("<f4") and m.flags["C_CONTIGUOUS"], m.dtype
    return m, raw[10 + header_len:]


def map_of(bench, model, work, name, *args):
    path = os.path.join(work, name + ".npy")
    lines = run(bench, "--model", model, "--constant-input", "1", "--map", path, "--map-only", *args)
    assert len(lines) == 1 and lines[0]["bench"] == "occlusion-map", lines
    m, data = load_npy(path)
    assert (lines[0]["rows"], lines[0]["cols"]) == m.shape, (lines[0], m.shape)
    return lines[0], m, data


def check_batch_invariant(bench, model, work):
    maps = {}
    for batch in (1, 7, 64):
        line, m, data = map_of(bench, model, work, f"probe-b{batch}", "--score", "logit", "--batch", str(batch))
        assert m.shape == (19, 19), m.shape
        assert m[6, 15] == 1.0, m[6, 15]
        assert np.unravel_index(np.argmax(m), m.shape) == (6, 15)
        assert (line["largest_drop"], line["largest_drop_row"], line["largest_drop_col"]) == (1, 6, 15), line
        assert line["target"] == 0 and line["base_score"] == 1, line
        np.testing.assert_allclose(m, expected_logit_drop((50, 50), (10, 10)), atol=1e-6)
        maps[batch] = data
    assert maps[1] == maps[7] == maps[64], "the map depends on --batch"


def check_edge_flush(bench, model, work):
    _, m, _ = map_of(bench, model, work, "probe-edge", "--score", "logit", "--window", "30x20", "--stride", "7x9")
    want = expected_logit_drop((30, 20), (7, 9))
    assert len(offsets(224, 30, 7)) == 29 and offsets(224, 30, 7)[-1] == 194
    assert len(offsets(224, 20, 9)) == 24 and offsets(224, 20, 9)[-1] == 204
    assert m.shape == want.shape, (m.shape, want.shape)
    np.testing.assert_allclose(m, want, atol=1e-6)


def check_prob(bench, model, work):
    line, m, _ = map_of(bench, model, work, "probe-prob", "--score", "prob", "--batch", "5")
    sigmoid = lambda v: 1 / (1 + math.exp(-v))
    assert abs(line["base_score"] - sigmoid(1)) < 1e-6, line
    assert abs(m[6, 15] - (sigmoid(1) - 0.5)) < 1e-6, m[6, 15]
    assert np.unravel_index(np.argmax(m), m.shape) == (6, 15)


def check_bench(bench, model, work):
    lines = run(bench, "--model", model, "--window", "100", "--stride", "50", "--batch", "3", "--repeat", "2",
                "--loop-windows", "5", "--threads", "1", "--target", "0", "--matmul-n", "256")
    kinds = [line["bench"] for line in lines]
    assert kinds == ["occlusion-map", "occlusion-round", "occlusion-round", "matmul", "occlusion", "occlusion",
                     "occlusion-summary"], kinds
    engine, loop, summary = lines[4], lines[5], lines[6]
    assert (engine["variant"], engine["windows"], engine["batch"]) == ("engine", 16, 3), engine
    assert (loop["variant"], loop["windows"]) == ("loop", 5), loop
    # The loop occludes with plain LibTorch calls, the engine with our kernel: same scores.
    assert loop["max_abs_diff_vs_engine"] <= 1e-6, loop
    assert summary["grid"] == "4x4" and summary["threads"] == 1 and summary["rounds"] == 2, summary
    for key in ("engine_windows_per_s", "loop_windows_per_s", "speedup_vs_loop", "engine_gflops",
                "matmul_gflops", "fraction_of_matmul"):
        assert isinstance(summary[key], (int, float)) and summary[key] > 0, (key, summary)
    assert summary["gflop_per_window"] == 1.43, summary
    assert lines[3]["n"] == 256, lines[3]


def main():
    bench, model_dir, work, case = sys.argv[1:5]
    os.makedirs(work, exist_ok=True)
    model = os.path.join(model_dir, "patch_probe.pt")
    if not os.path.exists(model):
        # The fixture's setup was skipped (no torch in that Python); a failed setup never gets here.
        print("skipped: no", model, "(runner_make_models was skipped)")
        sys.exit(77)
    {"batch-invariant": check_batch_invariant, "edge-flush": check_edge_flush, "prob": check_prob,
     "bench": check_bench}[case](bench, model, work)
    print("ok:", case)


if __name__ == "__main__":
    main()
