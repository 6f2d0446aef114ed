#!/usr/bin/python3
"""convscope's own reference for Captum-style occlusion, and the case file it checks.

    /usr/bin/python3 models/captum_occlusion_reference.py MODELS_DIR [--cases JSON]
        check every case in JSON (default: the case file below) against the
        reference; exit status 1 on any mismatch.
    /usr/bin/python3 models/captum_occlusion_reference.py MODELS_DIR --write [--cases JSON]
        rebuild JSON: the Captum cases hold the numbers transcribed from Captum's
        tests; the "convscope reference" cases get expected values computed here.

MODELS_DIR is where models/make_captum_models.py wrote its files. Captum itself is
not used (it is not installed); the semantics implemented here were read from
pytorch/captum captum/attr/_core/occlusion.py and feature_ablation.py:

  * window positions, per spatial dim of size D with window w and stride s:
        count = ceil((D - w) / s) + 1, starts 0, s, 2s, ..., (count-1)*s;
    a window starting at k*s covers [k*s, min(k*s + w, D)), i.e. the last one
    may be cut off at the border (it is NOT shifted back inside the image).
    Captum requires D >= w, and s <= w unless w == D.
  * every window spans all channels; occluded values are replaced by the
    scalar baseline; diff = f(x)[target] - f(x_occluded)[target].
  * attribution of an element = (sum of diffs of windows covering it)
    / (number of windows covering it).

Two independent formulations are run for every case: a direct slice-based loop
(`occlude_slices`) and a mask construction that mimics Captum's padding of a
block of ones, negative padding included (`occlude_padded_masks`).
"""

import argparse
import json
import math
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_CASES = os.path.join(HERE, "..", "java", "src", "test", "resources", "captum",
                             "occlusion_cases.json")

REL_TOL = 1e-4

CAPTUM_TEST_FILE = "pytorch/captum tests/attr/test_occlusion.py"


# ----------------------------------------------------------------------------
# reference implementations

def shift_counts(shape_hw, window, stride):
    counts = []
    for d, w, s in zip(shape_hw, window, stride):
        if w > d:
            raise ValueError("window %s exceeds input %s" % (window, shape_hw))
        if w < d and s > w:
            raise ValueError("stride %s larger than window %s" % (stride, window))
        counts.append(int(math.ceil((d - w) / s)) + 1)
    return counts


def _scores(model, batch, target):
    """Scores of one target; the model's dtype (float32 or float64) decides the input's."""
    dtype = np.float64 if _model_dtype(model) == torch.float64 else np.float32
    with torch.no_grad():
        out = model(torch.from_numpy(np.ascontiguousarray(batch, dtype=dtype)))
    out = out.reshape(out.shape[0], -1)
    return out[:, target].double().numpy()


def _model_dtype(model):
    for p in model.parameters():
        return p.dtype
    for b in model.buffers():
        return b.dtype
    return torch.float32


def occlude_slices(model, x, window, stride, baseline, target):
    """Direct loop over clipped windows; x is N x C x H x W (float32, or float64
    with a float64 model)."""
    n, c, h, w = x.shape
    nh, nw = shift_counts((h, w), window, stride)
    f0 = _scores(model, x, target)
    total = np.zeros(x.shape, dtype=np.float64)
    count = np.zeros(x.shape, dtype=np.float64)
    for i in range(nh):
        r0 = i * stride[0]
        r1 = min(r0 + window[0], h)
        for j in range(nw):
            c0 = j * stride[1]
            c1 = min(c0 + window[1], w)
            xo = x.copy()
            xo[:, :, r0:r1, c0:c1] = baseline
            diff = f0 - _scores(model, xo, target)
            total[:, :, r0:r1, c0:c1] += diff[:, None, None, None]
            count[:, :, r0:r1, c0:c1] += 1.0
    return total / count


def occlude_padded_masks(model, x, window, stride, baseline, target):
    """Captum-like: feature k -> per-dim step index (first dim varies fastest),
    pad a (C, h, w) block of ones with left = index*stride and
    right = D - w - left (may be negative, which crops), all inputs of one batch."""
    n, c, h, w = x.shape
    dims = (c, h, w)
    win = (c, window[0], window[1])
    strides = (1, stride[0], stride[1])
    counts = [int(math.ceil((d - k) / s)) + 1 for d, k, s in zip(dims, win, strides)]
    ones = torch.ones(win)
    masks = []
    for k in range(int(np.prod(counts))):
        rem = k
        left = []
        for cnt, s in zip(counts, strides):
            left.append((rem % cnt) * s)
            rem //= cnt
        right = [d - kk - l for d, kk, l in zip(dims, win, left)]
        pads = []
        for l, r in reversed(list(zip(left, right))):
            pads += [l, r]
        masks.append(F.pad(ones, tuple(pads)).numpy())
    masks = np.stack(masks)                         # F x C x H x W
    xt = x[None].astype(np.float32)                 # 1 x N x C x H x W
    m = masks[:, None].astype(np.float32)           # F x 1 x C x H x W
    occluded = xt * (1 - m) + np.float32(baseline) * m
    f0 = _scores(model, x, target)
    fo = _scores(model, occluded.reshape((-1, c, h, w)), target).reshape(len(masks), n)
    diff = (f0[None, :] - fo)                        # F x N
    total = (diff[:, :, None, None, None] * masks[:, None]).sum(axis=0)
    weight = masks.sum(axis=0)[None]
    return total / weight


# ----------------------------------------------------------------------------
# cases

def _arange16_plus_one():
    return [float(v) for v in range(1, 17)]


def captum_cases():
    """Cases converted from Captum's tests/attr/test_occlusion.py.

    Expected arrays are copied digit for digit from the test file; comments say
    how each test was mapped to a single 4-D input."""
    cases = []

    def add(name, model, shape, values, window, stride, baseline, target, expected, source):
        cases.append({
            "name": name,
            "model": model,
            "input": {"shape": shape, "values": values},
            "window": window,
            "stride": stride,
            "baseline": baseline,
            "target": target,
            "expected": {"shape": shape, "values": expected},
            "source": source,
        })

    ml = "captum_BasicModel_MultiLayer.pt"
    ml_note = (" BasicModel_MultiLayer's N x 3 input is given as N x 1 x 1 x 3; Captum's 1-D"
               " window (w,) becomes [1, w].")
    add("test_simple_input", ml, [1, 1, 1, 3], [20.0, 50.0, 30.0],
        [1, 1], [1, 1], 0.0, 0,
        [80.0, 200.0, 120.0],
        CAPTUM_TEST_FILE + "::Test.test_simple_input; window (1,), default stride 1,"
        " baseline None (0), target 0." + ml_note)
    add("test_simple_input_larger_shape", ml, [1, 1, 1, 3], [20.0, 50.0, 30.0],
        [1, 2], [1, 1], 10.0, 0,
        [200.0, 220.0, 240.0],
        CAPTUM_TEST_FILE + "::Test.test_simple_input_larger_shape; window (2,), stride 1,"
        " baselines=torch.tensor([10.0, 10.0, 10.0]) (the same value everywhere, so scalar 10)."
        + ml_note)
    add("test_simple_input_shape_with_stride", ml, [1, 1, 1, 3], [20.0, 50.0, 30.0],
        [1, 2], [2, 2], 0.0, 0,
        [280.0, 280.0, 120.0],
        CAPTUM_TEST_FILE + "::Test.test_simple_input_shape_with_stride; window (2,),"
        " strides=2 (expanded to every dim; the H stride 2 > window 1 is legal because the"
        " window spans H), last window clipped to 1 column." + ml_note)
    add("test_multi_sample_ablation[example0]", ml, [1, 1, 1, 3], [2.0, 10.0, 3.0],
        [1, 1], [1, 1], 0.0, 0,
        [8.0, 35.0, 12.0],
        CAPTUM_TEST_FILE + "::Test.test_multi_sample_ablation, row 0 of its 2-example batch"
        " (examples are independent; target 0 for both)." + ml_note)
    add("test_multi_sample_ablation[example1]", ml, [1, 1, 1, 3], [20.0, 50.0, 30.0],
        [1, 1], [1, 1], 0.0, 0,
        [80.0, 200.0, 120.0],
        CAPTUM_TEST_FILE + "::Test.test_multi_sample_ablation, row 1 of its 2-example batch."
        + ml_note)

    conv = "captum_BasicModel_ConvNet_One_Conv.pt"
    conv_x1 = "captum_BasicModel_ConvNet_One_Conv_x1arange.pt"
    in0_note = (" Captum feeds two inputs, inp = arange(16).view(1,1,4,4) and inp2 = ones, which"
                " the model adds; while inputs[0] is occluded (baseline 0) inputs[1] stays fixed,"
                " so this equals single-input occlusion of the plain model on inp + 1 = 1..16"
                " with baseline 1.0. Expected = Captum's attributions for inputs[0].")
    in1_note = (" Captum's attributions for inputs[1] (inp2 = ones, baseline 0) while"
                " inputs[0] = arange(16) stays fixed; the model file binds that fixed input"
                " (forward(y) = net(arange16 + y)), so input and baseline are Captum's own.")
    add("test_simple_multi_input_conv[inputs0,window(1,4,4)]", conv, [1, 1, 4, 4],
        _arange16_plus_one(), [4, 4], [1, 1], 1.0, 0,
        [67.0] * 16,
        CAPTUM_TEST_FILE + "::Test.test_simple_multi_input_conv, first assertion"
        " (sliding_window_shapes (1, 4, 4), expected 67 * torch.ones_like(inp))." + in0_note)
    add("test_simple_multi_input_conv[inputs1,window(1,4,4)]", conv_x1, [1, 1, 4, 4],
        [1.0] * 16, [4, 4], [1, 1], 0.0, 0,
        [13.0] * 16,
        CAPTUM_TEST_FILE + "::Test.test_simple_multi_input_conv, first assertion"
        " (sliding_window_shapes (1, 4, 4), expected 13 * torch.ones_like(inp2))." + in1_note)
    add("test_simple_multi_input_conv[inputs0,window(1,2,3),stride(1,2,1)]", conv, [1, 1, 4, 4],
        _arange16_plus_one(), [2, 3], [2, 1], 1.0, 0,
        [17.0, 17.0, 17.0, 17.0,
         17.0, 17.0, 17.0, 17.0,
         64.0, 65.5, 65.5, 67.0,
         64.0, 65.5, 65.5, 67.0],
        CAPTUM_TEST_FILE + "::Test.test_simple_multi_input_conv, second assertion"
        " (sliding_window_shapes (1, 2, 3), strides (1, 2, 1))." + in0_note)
    add("test_simple_multi_input_conv[inputs1,window(1,1,2),stride(1,1,2)]", conv_x1,
        [1, 1, 4, 4], [1.0] * 16, [1, 2], [1, 2], 0.0, 0,
        [3.0, 3.0, 3.0, 3.0,
         3.0, 3.0, 3.0, 3.0,
         3.0, 3.0, 3.0, 3.0,
         0.0, 0.0, 0.0, 0.0],
        CAPTUM_TEST_FILE + "::Test.test_simple_multi_input_conv, second assertion"
        " (sliding_window_shapes (1, 1, 2), strides (1, 1, 2))." + in1_note)
    return cases


EXTRA_SPECS = [
    # name, input seed, window, stride, baseline, target
    ("convscope_twoconv_rect_window_clipped_both", 7, [3, 4], [2, 3], 0.25, 1),
    ("convscope_twoconv_wide_window_clipped_w", 11, [2, 5], [2, 2], -0.5, 0),
]


def extra_cases(models_dir):
    """Expected values are computed in float64 on a float64 copy of the stored
    float32 weights (inputs: 4-decimal values, rounded to float32 first), i.e.
    the exact attributions of the model file up to float64 rounding."""
    model64 = torch.jit.load(os.path.join(models_dir, "captum_TwoConv.pt")).eval().double()
    cases = []
    for name, seed, window, stride, baseline, target in EXTRA_SPECS:
        rng = np.random.RandomState(seed)
        vals = [round(float(v), 4) for v in rng.uniform(0.0, 1.0, size=3 * 10 * 12)]
        x = np.array(vals, dtype=np.float32).reshape(1, 3, 10, 12).astype(np.float64)
        attr = occlude_slices(model64, x, window, stride, baseline, target)
        cases.append({
            "name": name,
            "model": "captum_TwoConv.pt",
            "input": {"shape": [1, 3, 10, 12], "values": vals},
            "window": window,
            "stride": stride,
            "baseline": baseline,
            "target": target,
            "expected": {"shape": [1, 3, 10, 12], "values": [float(v) for v in attr.reshape(-1)]},
            "source": "convscope reference",
        })
    return cases


# ----------------------------------------------------------------------------

def compare(actual, expected):
    """Worst relative error; an absolute floor of 1e-6 * max(1, max|expected|)
    keeps exact zeros comparable."""
    expected = np.asarray(expected, dtype=np.float64)
    actual = np.asarray(actual, dtype=np.float64).reshape(expected.shape)
    if not np.isfinite(actual).all():
        return float("inf")  # e.g. an element no window covered (0 / 0)
    floor = 1e-6 * max(1.0, float(np.abs(expected).max()))
    err = np.abs(actual - expected) / np.maximum(np.abs(expected), floor)
    return float(err.max())


def check(models_dir, cases_path):
    with open(cases_path) as fh:
        cases = json.load(fh)
    models = {}
    failures = 0
    for case in cases:
        path = os.path.join(models_dir, case["model"])
        if path not in models:
            models[path] = torch.jit.load(path).eval()
        model = models[path]
        shape = case["input"]["shape"]
        x = np.array(case["input"]["values"], dtype=np.float32).reshape(shape)
        args = (model, x, case["window"], case["stride"], case["baseline"], case["target"])
        expected = np.array(case["expected"]["values"]).reshape(case["expected"]["shape"])
        errs = [compare(fn(*args), expected) for fn in (occlude_slices, occlude_padded_masks)]
        ok = all(e <= REL_TOL for e in errs)
        failures += 0 if ok else 1
        print("%-4s %-68s slices %.2e  padded-masks %.2e"
              % ("ok" if ok else "FAIL", case["name"], errs[0], errs[1]))
    print("%d cases, %d failed" % (len(cases), failures))
    return 1 if failures else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("models_dir")
    ap.add_argument("--cases", default=DEFAULT_CASES)
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args()
    torch.set_num_threads(1)
    if args.write:
        cases = captum_cases() + extra_cases(args.models_dir)
        os.makedirs(os.path.dirname(os.path.abspath(args.cases)), exist_ok=True)
        with open(args.cases, "w") as fh:
            json.dump(cases, fh, indent=1)
            fh.write("\n")
        print("wrote %d cases to %s" % (len(cases), args.cases))
    return check(args.models_dir, args.cases)


if __name__ == "__main__":
    sys.exit(main())
