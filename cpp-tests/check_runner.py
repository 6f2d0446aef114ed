"""Specification tests of convscope-bench on the patch probe (see make_runner_models.py).

usage: check_runner.py BENCH MODEL_DIR WORK_DIR CASE, CASE one of
  batch-invariant  the map for an all-ones input, logit score, window 50 stride 10: 19 x 19, largest drop
                   exactly 1.0 at row 6 column 15, every cell = overlap with the patch / 2500, and the same
                   bytes for --batch 1, 7, 64 and all (one chunk of 361)
  edge-flush       window 30x20 stride 7x9: the grid ends with one window flush with the far edges
  prob             --score prob: the drop at the patch is sigmoid(1) - sigmoid(0)
  bench            the timed path on a small grid: JSON lines, summary fields, the loop agrees with the engine
  input-npy        --input-npy of ones (C x H x W and 1 x C x H x W) gives the map of --constant-input 1; a
                   float64 file is a usage error
and on chain_probe.pt (a conv/relu/maxpool/conv chain and a linear head, 3 x 67 x 67):
  incremental      --engine incremental gives the --engine full map to 1e-5 of the larger of its largest value
                   and the base score (window 13 stride 5: patches through the whole chain; window 52 stride 5:
                   full tensors from features.3), for any --batch; --engine auto picks it where it pays and keeps
                   the full engine where not
  bench-incremental  the timed path with --engine incremental: the summary compares it with the full engine
  precision        --precision tf32 gives the fp32 map's bytes on the CPU; --precision bf16 (both engines) reports
                   its largest difference from the fp32 map, which is the maps' and within 1e-2 of the fp32
                   map's largest value, the engines agree in bf16, and the timed path's summary says so too;
                   a change bfloat16 cannot hold beside the activations (constant input 1, fill 0.999) still
                   gives the fp32 map within 1e-2 (layers cast to bfloat16 round it away: a map of zeros);
                   window 52 (patches end before a convolution on changes): both engines within 1e-2 of fp32 and
                   within 1e-3 of each other in bf16
  no-chain         --engine incremental on patch_probe.pt (no modules) exits 2 with one line saying why
and on block_probe.pt and gated_probe.pt (a conv/relu chain, a residual block shaped like torchvision's
BasicBlock with a downsampling shortcut, a pool and a linear head, 3 x 67 x 67; the gated block branches on its
input):
  precision-block  --precision bf16 (both engines) opens the block and says so, stays within 1e-2 of the fp32 map,
                   also on a faint window (fill 0.999 on an input of 1), and scores the unoccluded image as fp32
                   does to 1e-6 (its linear layers see no change)
  precision-gated  --precision bf16 runs the gated block whole and says so, stays within 1e-2 of the fp32 map,
                   and scores the unoccluded image as fp32 does to 1e-6 (the block's shift gives its float32
                   output back; unshifted, bfloat16 moves it by about 2^-9)
and on flagged_probe.pt (the same with a block that branches on flags it holds, one branch taken, one not):
  precision-flagged  --precision bf16 (both engines) opens the block, taking the sides its flags pick, and says so,
                   stays within 1e-2 of the fp32 map, also on a faint window, and scores the unoccluded image as
                   fp32 does to 1e-6
and on stage_probe.pt (the same chain, then one module holding two such blocks of one type, the second's last
batch norm without affine parameters):
  precision-stage  --precision bf16 (both engines) opens the module, folds all 6 batch norms and says so, stays
                   within 1e-2 of the fp32 map, also on a faint window, and scores the unoccluded image as fp32
                   does to 1e-6
and on functional_probe.pt (convolutions with functional ReLUs and a functional average pool, a scripted function
call: not chain plus rest; the second
convolution a user class named Conv2d that doubles its output):
  precision-opened --precision bf16 (the full engine) opens the whole model and says so, runs the user's Conv2d as
                   it is, stays within 1e-2 of the fp32 map, also on a faint window, and scores the unoccluded
                   image as fp32 does to 1e-6
and on stack_probe.pt (conv/bn/relu/conv/relu/maxpool/conv/conv/relu and a linear head, 3 x 67 x 67):
  precision-stack  --precision bf16 (both engines) folds the batch norm and says so, stays within 1e-2 of the
                   fp32 map, also on a faint window, and scores the unoccluded image as fp32 does to 1e-6: the
                   passes that add a layer's base back apply the ReLU after it and take the next convolution's
                   change straight away
and on batch_stats_probe.pt (a batch norm without running statistics: an image's scores depend on its batch):
  batch-dependent  the engine runs the windows one at a time (batch 1, also when --batch asks for more), the full
                   engine says why, the one-forward-per-window loop agrees to 1e-5, and --engine incremental
                   exits 2 with one line giving the reason
Needs only numpy (exit 77, skipped, without it).
"""
import json
import math
import os
import platform
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


def run_failing(bench, code, *args):
    """Runs the bench expecting exit `code` with one line on stderr and nothing on stdout; returns that line."""
    proc = subprocess.run([bench, *args], capture_output=True, text=True)
    assert proc.returncode == code, (proc.returncode, proc.stderr)
    assert proc.stdout == "", proc.stdout
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    return lines[0]


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
    for batch in (1, 7, 64, "all"):
        line, m, data = map_of(bench, model, work, f"probe-b{batch}", "--score", "logit", "--batch", str(batch))
        assert line["batch"] == (361 if batch == "all" else batch), line
        assert m.shape == (19, 19), m.shape
        assert m[6, 15] == 1.0, m[6, 15]
        assert np.unravel_index(np.argmax(m), m.shape) == (6, 15)
        assert (line["largest_drop"], line["largest_drop_row"], line["largest_drop_col"]) == (1, 6, 15), line
        assert line["target"] == 0 and line["base_score"] == 1, line
        np.testing.assert_allclose(m, expected_logit_drop((50, 50), (10, 10)), atol=1e-6)
        maps[batch] = data
    assert maps[1] == maps[7] == maps[64] == maps["all"], "the map depends on --batch"


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


RATES = ("engine_windows_per_s", "full_windows_per_s", "loop_windows_per_s", "speedup_vs_full", "counted_speedup",
         "fraction_of_counted_saving", "speedup_vs_loop", "engine_gflops", "matmul_gflops", "fraction_of_matmul")


def bench_lines(bench, *args):
    lines = run(bench, *args)
    kinds = [line["bench"] for line in lines]
    assert kinds == ["occlusion-map", "occlusion-round", "occlusion-round", "matmul", "occlusion", "occlusion",
                     "occlusion", "occlusion-summary"], kinds
    for r in lines[1:3]:
        for key in ("engine_windows_per_s", "full_windows_per_s", "loop_windows_per_s"):
            assert r[key] > 0, (key, r)
    return lines


def check_bench(bench, model, work):
    lines = bench_lines(bench, "--model", model, "--window", "100", "--stride", "50", "--batch", "3", "--repeat",
                        "2", "--loop-windows", "5", "--threads", "1", "--target", "0", "--matmul-n", "256")
    engine, full, loop, summary = lines[4], lines[5], lines[6], lines[7]
    assert (engine["variant"], engine["engine"], engine["windows"], engine["batch"]) == ("engine", "full", 16, 3), \
        engine
    assert (full["variant"], full["windows"], full["batch"]) == ("full", 16, 3), full
    assert (loop["variant"], loop["windows"]) == ("loop", 5), loop
    # The loop occludes with plain LibTorch calls, the engine with our kernel: same scores.
    assert loop["max_abs_diff_vs_engine"] <= 1e-6, loop
    assert summary["grid"] == "4x4" and summary["threads"] == 1 and summary["rounds"] == 2, summary
    # glibc keeps what LibTorch frees for the next chunk (convscope/memory.h; test_memory shows the effect).
    assert summary["retains_freed_memory"] is (platform.libc_ver()[0] == "glibc"), summary
    for key in RATES:
        assert isinstance(summary[key], (int, float)) and summary[key] > 0, (key, summary)
    # patch_probe has no modules: auto keeps the full engine, and says why.
    assert summary["engine"] == "full" and summary["device"] == "cpu", summary
    assert summary["engine_note"] == ("full: the model does not start with a convolution or pool (it has none)"), \
        summary
    assert summary["speedup_vs_full"] == 1 and summary["counted_speedup"] == 1, summary
    assert summary["map_max_abs_difference"] == 0, summary
    assert summary["gflop_per_window"] == 1.43, summary
    assert lines[3]["n"] == 256, lines[3]


def write_npy(path, array):
    np.save(path, array)
    return path


def check_input_npy(bench, model, work):
    _, _, want_bytes = map_of(bench, model, work, "probe-constant", "--score", "logit", "--batch", "19")
    ones = np.ones((3, 224, 224), dtype=np.float32)
    for name, array in (("chw", ones), ("nchw", ones[None])):
        path = os.path.join(work, f"probe-ones-{name}.npy")
        write_npy(path, array)
        lines = run(bench, "--model", model, "--input-npy", path, "--score", "logit", "--batch", "19",
                    "--map", os.path.join(work, f"probe-npy-{name}.npy"), "--map-only")
        assert lines[0]["input"] == "3x224x224", lines[0]
        _, data = load_npy(os.path.join(work, f"probe-npy-{name}.npy"))
        assert data == want_bytes, f"--input-npy ({name}) gives another map than --constant-input 1"
    doubles = write_npy(os.path.join(work, "probe-doubles.npy"), ones.astype(np.float64))
    line = run_failing(bench, 2, "--model", model, "--input-npy", doubles, "--map-only")
    assert line.startswith(f"convscope-bench: {doubles} holds dtype '<f8', and convscope reads float32"), line
    line = run_failing(bench, 2, "--model", model, "--input-npy", doubles, "--input", "3x8x8")
    assert line == ("convscope-bench: --input-npy gives the input and its size; drop --input and "
                    "--constant-input"), line


def bound_scale(full_map, line):
    """What the engines' maps may differ by, over 1e-5: the larger of the map's largest magnitude and the base score.
    oneDNN picks its convolution algorithm by shape, so a patch and a full tensor sum the same products in another
    order, and a map is a small difference of large scores (8 float32 ulps of a base logit of 10.8 here, 7e-6 of
    the map's largest value); a misplaced patch would be off by a good part of the map itself."""
    return max(np.abs(full_map).max(), abs(line["base_score"]))


def chain_map(bench, model, work, name, *args, threads="2", size=67):
    path = os.path.join(work, name + ".npy")
    lines = run(bench, "--model", model, "--input", f"3x{size}x{size}", "--score", "logit", "--threads", threads,
                "--map", path, "--map-only", *args)
    assert len(lines) == 1, lines
    return lines[0], np.load(path)


def check_incremental(bench, model, work):
    for window, stride, note, counted in (
            ("13", "5", "patches through features.0..features.4, full tensors after the chain", 7.42),
            ("52", "5", "patches through features.0..features.2, full tensors from features.3", 1.27)):
        args = ("--window", window, "--stride", stride)
        full_line, full = chain_map(bench, model, work, f"chain-full-{window}", "--engine", "full", *args)
        assert full_line["engine"] == "full" and full_line["engine_note"] == "the full engine was asked for"
        assert np.abs(full).max() > 0.5, f"the map is nearly zero ({np.abs(full).max()}): the test would prove little"
        largest = bound_scale(full, full_line)
        for batch in ((), ("--batch", "7")):  # the automatic batch, and many chunks per head batch
            line, inc = chain_map(bench, model, work, f"chain-inc-{window}-{len(batch)}", "--engine", "incremental",
                                  *batch, *args)
            assert (line["engine"], line["engine_note"]) == ("incremental", note), line
            assert line["counted_speedup"] == counted, line
            assert line["target"] == full_line["target"], (line, full_line)
            diff = np.abs(inc - full).max()
            assert diff <= 1e-5 * largest, f"window {window} {batch}: incremental differs by {diff}"
        # auto: incremental where the counted saving reaches 1.3x, the full engine where it does not
        line, auto = chain_map(bench, model, work, f"chain-auto-{window}", *args)
        if counted >= 1.3:
            assert (line["engine"], line["engine_note"]) == ("incremental", note), line
        else:
            assert line["engine"] == "full", line
            assert line["engine_note"] == f"full: patches would save only {counted:.2f}x of the counted work", line
        assert np.abs(auto - full).max() <= 1e-5 * largest


def check_kernel_slices(bench, model, work):
    """On the CPU our kernels run on LibTorch's threads, each thread on a slice of a chunk's windows or, for a chunk
    of one window, of its elements. With two threads each kernel here is split: a 67 x 67 image is 13467 floats a
    window and its 144 windows pass in two chunks of 72 (in one with --batch all, which splits the region changes
    that carry patches, 72 of them being under 64 Ki floats), and the block probe's first layer holds 100352 values
    on one 224 x 224 window; with one thread each runs whole. A slice's offset gone wrong puts values in the wrong
    place, off by a good part of the map, or fails the proof of a folded batch norm, which changes the note."""
    block = os.path.join(os.path.dirname(model), "block_probe.pt")
    cases = [(model, precision, engine, 67, "13", "5", ()) for precision in ("fp32", "bf16")
             for engine in ("full", "incremental")]
    cases += [(model, "bf16", "incremental", 67, "13", "5", ("--batch", "all"))]
    cases += [(block, precision, "full", size, window, stride, ()) for precision in ("fp32", "bf16")
              for size, window, stride in ((67, "13", "5"), (224, "224", "224"))]
    for path, precision, engine, size, window, stride, batch in cases:
        maps, lines = [], []
        for threads in ("1", "2"):
            name = f"slices-{os.path.basename(path)}-{precision}-{engine}-{window}-{len(batch)}-{threads}"
            line, m = chain_map(bench, path, work, name, "--engine", engine, "--precision", precision, "--window",
                                window, "--stride", stride, *batch, threads=threads, size=size)
            if not line["kernels_on_torch_threads"]:
                print("skipped: this runner's kernels split work over threads of their own (see its CMake output)")
                sys.exit(77)
            maps.append(m)
            lines.append(line)
        case = f"{os.path.basename(path)} {precision} {engine} window {window} of {size} {' '.join(batch)}"
        assert lines[1]["precision_note"] == lines[0]["precision_note"], (case, lines)
        largest = bound_scale(maps[0], lines[0])
        diff = float(np.abs(maps[1] - maps[0]).max())
        assert diff <= 1e-5 * largest, f"{case}: two threads differ by {diff} of {largest}"


def check_bench_incremental(bench, model, work):
    lines = bench_lines(bench, "--model", model, "--input", "3x67x67", "--window", "13", "--stride", "5",
                        "--engine", "incremental", "--repeat", "2", "--loop-windows", "3", "--threads", "1",
                        "--matmul-n", "128", "--score", "logit")
    engine, full, summary = lines[4], lines[5], lines[7]
    assert (engine["variant"], engine["engine"], engine["windows"]) == ("engine", "incremental", 144), engine
    assert (full["variant"], full["engine"], full["windows"]) == ("full", "full", 144), full
    assert summary["engine"] == "incremental", summary
    assert summary["engine_note"] == "patches through features.0..features.4, full tensors after the chain", summary
    for key in RATES:
        assert isinstance(summary[key], (int, float)) and summary[key] > 0, (key, summary)
    assert summary["counted_speedup"] == 7.42, summary
    assert abs(summary["fraction_of_counted_saving"] - summary["speedup_vs_full"] / 7.42) < 0.01, summary
    assert summary["map_max_abs_value"] > 0.5, summary
    largest = max(summary["map_max_abs_value"], abs(lines[0]["base_score"]))
    assert summary["map_max_abs_difference"] <= 1e-5 * largest, summary
    # The loop is the full model on each occluded copy: it agrees with the incremental map too.
    assert lines[6]["max_abs_diff_vs_engine"] <= 1e-5 * largest, lines[6]


def check_precision(bench, model, work):
    args = ("--window", "13", "--stride", "5")
    maps = {}
    for precision in ("fp32", "tf32", "bf16"):
        for engine in ("full", "incremental"):
            line, maps[precision, engine] = chain_map(bench, model, work, f"chain-{precision}-{engine}",
                                                      "--engine", engine, "--precision", precision, *args)
            assert (line["precision"], line["engine"]) == (precision, engine), line
            exact = maps["fp32", engine]
            largest = np.abs(exact).max()
            diff = float(np.abs(maps[precision, engine] - exact).max())
            assert abs(line["map_max_abs_difference_vs_fp32"] - diff) <= 1e-6 * largest, (line, diff)
            assert abs(line["map_relative_difference_vs_fp32"] - diff / largest) <= 1e-6, (line, diff)
            if precision == "bf16":
                assert 0 < diff <= 1e-2 * largest, f"bf16 {engine}: {diff} of {largest}"
            else:  # TF32 is a CUDA matter: on the CPU tf32 is exact float32
                assert (maps[precision, engine] == exact).all(), f"{precision} {engine} differs from fp32"
    # 1 - 0.999 is below half of bfloat16's spacing at 1 (2^-7): only arithmetic on the change itself sees it.
    for engine in ("full", "incremental"):
        faint = {}
        for precision in ("fp32", "bf16"):
            line, faint[precision] = chain_map(bench, model, work, f"faint-{precision}-{engine}", "--engine", engine,
                                               "--precision", precision, "--constant-input", "1", "--fill", "0.999",
                                               *args)
        largest = np.abs(faint["fp32"]).max()
        assert largest > 1e-4, f"fp32 {engine}: the faint window changes nothing ({largest})"
        diff = float(np.abs(faint["bf16"] - faint["fp32"]).max())
        assert diff <= 1e-2 * largest, f"bf16 {engine} on a faint window: {diff} of {largest}"
        assert line["precision_note"] == "3 linear layers on changes from the unoccluded run", line
    bf16_largest = np.abs(maps["bf16", "full"]).max()
    assert np.abs(maps["bf16", "incremental"] - maps["bf16", "full"]).max() <= 1e-3 * bf16_largest
    # Window 52: the patches end before features.3, a convolution on changes, whose input's changes the switch
    # writes straight from the last patch (no float32 full tensor).
    switch = {}
    for precision in ("fp32", "bf16"):
        for engine in ("full", "incremental"):
            line, switch[precision, engine] = chain_map(bench, model, work, f"switch-{precision}-{engine}",
                                                        "--engine", engine, "--precision", precision,
                                                        "--window", "52", "--stride", "5")
            if engine == "incremental":
                assert line["engine_note"] == ("patches through features.0..features.2, full tensors from "
                                               "features.3"), line
    largest = np.abs(switch["fp32", "full"]).max()
    for engine in ("full", "incremental"):
        diff = float(np.abs(switch["bf16", engine] - switch["fp32", "full"]).max())
        assert 0 < diff <= 1e-2 * largest, f"bf16 {engine}, window 52: {diff} of {largest}"
    diff = float(np.abs(switch["bf16", "incremental"] - switch["bf16", "full"]).max())
    assert diff <= 1e-3 * largest, f"bf16 engines, window 52: {diff} of {largest}"
    lines = bench_lines(bench, "--model", model, "--input", "3x67x67", *args, "--engine", "incremental",
                        "--precision", "bf16", "--repeat", "2", "--loop-windows", "2", "--threads", "1",
                        "--matmul-n", "64", "--score", "logit")
    summary = lines[-1]
    assert summary["precision"] == "bf16" and summary["engine"] == "incremental", summary
    assert 0 < summary["map_relative_difference_vs_fp32"] <= 1e-2, summary
    assert summary["map_max_abs_difference"] <= 1e-3 * summary["map_max_abs_value"], summary
    assert lines[-2]["max_abs_diff_vs_engine"] <= 1e-3 * summary["map_max_abs_value"], lines[-2]


def bf16_against_fp32(bench, model, work, note, *args, engines=("full", "incremental"), grid=("13", "5")):
    """The bf16 map's note, its distance from the fp32 map and the unoccluded image's score, for each engine."""
    args = ("--window", grid[0], "--stride", grid[1]) + args
    name = os.path.basename(model)
    bf16_maps = {}
    for engine in engines:
        maps, lines = {}, {}
        for precision in ("fp32", "bf16"):
            lines[precision], maps[precision] = chain_map(bench, model, work, f"{name}-{precision}-{engine}",
                                                          "--engine", engine, "--precision", precision, *args)
        assert lines["bf16"]["precision_note"] == note, lines["bf16"]
        largest = np.abs(maps["fp32"]).max()
        diff = np.abs(maps["bf16"] - maps["fp32"]).max()
        # 0 < diff: bfloat16 did run (a silent float32 would pass the bound).
        assert largest > 0 and 0 < diff <= 1e-2 * largest, (engine, largest, diff, args)
        base = lines["fp32"]["base_score"]
        assert abs(lines["bf16"]["base_score"] - base) <= 1e-6 * abs(base), (engine, lines)
        bf16_maps[engine] = maps["bf16"]
    if len(bf16_maps) == 2:  # the engines agree in bf16 too
        full = bf16_maps["full"]
        assert np.abs(bf16_maps["incremental"] - full).max() <= 1e-3 * np.abs(full).max(), args


def bf16_and_faint_against_fp32(bench, model, work, note):
    """bf16_against_fp32 on the 13/5 grid, then on a faint window (fill 0.999 on an input of 1)."""
    bf16_against_fp32(bench, model, work, note)
    bf16_against_fp32(bench, model, work, note, "--constant-input", "1", "--fill", "0.999")


def check_precision_block(bench, model, work):
    # The block's three batch norms each follow a convolution alone: folded (ChangeOp's Folded).
    note = ("5 linear layers on changes from the unoccluded run (1 block after the chain opened), 3 batch norms "
            "folded into them")
    bf16_and_faint_against_fp32(bench, model, work, note)


def check_precision_flagged(bench, model, work):
    # Its branches test flags the block holds: it opens, taking the side each flag picks.
    note = ("5 linear layers on changes from the unoccluded run (1 block after the chain opened), 3 batch norms "
            "folded into them")
    bf16_and_faint_against_fp32(bench, model, work, note)


def check_precision_stage(bench, model, work):
    # Both blocks share one graph; each call's folds are its own (6 batch norms: 3 per block).
    note = ("8 linear layers on changes from the unoccluded run (1 block after the chain opened), 6 batch norms "
            "folded into them")
    bf16_and_faint_against_fp32(bench, model, work, note)


def check_precision_gated(bench, model, work):
    bf16_against_fp32(bench, model, work, "2 linear layers on changes from the unoccluded run, 1 module after the "
                                          "chain whole")


def check_precision_opened(bench, model, work):
    # The user's Conv2d is not torch.nn's: it runs as it is (W x - W base_x would lose its doubling).
    note = "2 linear layers on changes from the unoccluded run (the model opened: it does not run as chain plus rest)"
    bf16_against_fp32(bench, model, work, note, engines=("full",))
    # Larger windows: this model's mean dilutes a faint window's drop down to a few float32 steps of its logit.
    bf16_against_fp32(bench, model, work, note, "--constant-input", "1", "--fill", "0.999", engines=("full",),
                      grid=("33", "17"))


def check_precision_stack(bench, model, work):
    note = "5 linear layers on changes from the unoccluded run, 1 batch norm folded into them"
    bf16_and_faint_against_fp32(bench, model, work, note)


BATCH_DEPENDENT = ("the model's output for an image depends on the other images in its batch (a batch norm "
                   "without running statistics?), so windows run one at a time")


def check_batch_dependent(bench, model, work):
    args = ("--model", model, "--input", "3x16x16", "--window", "8", "--stride", "4", "--score", "logit")
    lines = bench_lines(bench, *args, "--repeat", "2", "--loop-windows", "9", "--threads", "1", "--matmul-n", "64")
    engine, loop, summary = lines[4], lines[6], lines[7]
    assert summary["engine"] == "full" and summary["engine_note"] == "full: " + BATCH_DEPENDENT, summary
    assert engine["batch"] == 1 and engine["windows"] == 9, engine
    # The loop scores each occluded copy alone: one window at a time, the engine gives the same scores.
    scale = max(1.0, abs(lines[0]["base_score"]))
    assert loop["windows"] == 9 and loop["max_abs_diff_vs_engine"] <= 1e-5 * scale, loop
    # Batched (--batch 9 asked for), the engine still runs them one at a time.
    asked = bench_lines(bench, *args, "--batch", "9", "--repeat", "2", "--loop-windows", "9", "--threads", "1",
                        "--matmul-n", "64")
    assert asked[4]["batch"] == 1 and asked[6]["max_abs_diff_vs_engine"] <= 1e-5 * scale, asked[4:7]
    line = run_failing(bench, 2, *args, "--engine", "incremental")
    assert line == ("convscope-bench: the incremental engine does not apply to this model: " + BATCH_DEPENDENT +
                    "; use the full or auto engine"), line


def check_no_chain(bench, model, work):
    line = run_failing(bench, 2, "--model", model, "--engine", "incremental", "--window", "112", "--stride", "56")
    assert line == ("convscope-bench: the incremental engine does not apply to this model: the model does not "
                    "start with a convolution or pool (it has none); use the full or auto engine"), line


CASES = {"batch-invariant": (check_batch_invariant, "patch_probe.pt"),
         "edge-flush": (check_edge_flush, "patch_probe.pt"),
         "prob": (check_prob, "patch_probe.pt"),
         "bench": (check_bench, "patch_probe.pt"),
         "input-npy": (check_input_npy, "patch_probe.pt"),
         "no-chain": (check_no_chain, "patch_probe.pt"),
         "incremental": (check_incremental, "chain_probe.pt"),
         "bench-incremental": (check_bench_incremental, "chain_probe.pt"),
         "kernel-slices": (check_kernel_slices, "chain_probe.pt"),
         "precision": (check_precision, "chain_probe.pt"),
         "precision-block": (check_precision_block, "block_probe.pt"),
         "precision-gated": (check_precision_gated, "gated_probe.pt"),
         "precision-stage": (check_precision_stage, "stage_probe.pt"),
         "precision-flagged": (check_precision_flagged, "flagged_probe.pt"),
         "precision-opened": (check_precision_opened, "functional_probe.pt"),
         "precision-stack": (check_precision_stack, "stack_probe.pt"),
         "batch-dependent": (check_batch_dependent, "batch_stats_probe.pt")}


def main():
    bench, model_dir, work, case = sys.argv[1:5]
    os.makedirs(work, exist_ok=True)
    check, name = CASES[case]
    model = os.path.join(model_dir, name)
    if not os.path.exists(model):
        # The fixture's setup was skipped (no torch in that Python); a failed setup never gets here.
        print("skipped: no", model, "(runner_make_models was skipped)")
        sys.exit(77)
    check(bench, model, work)
    print("ok:", case)


if __name__ == "__main__":
    main()
