#!/usr/bin/env python3
"""The occlusion map as a PyTorch user would write it, timed: the baseline convscope-bench is measured against.

    bench/pytorch_baseline.py [--device cuda|cpu | --cpu] [--models alexnet,resnet18,vgg16] [--size 224]
                              [--window 50] [--stride 10] [--repeat 5] [--loop-windows 40] [--seed 0]
                              [--threads N] [--heap retain|default]

For each torchvision model (random weights, seeded with --seed like models/export_torchvision.py, so the same
model as its TorchScript export) and a random image, every window of the grid (0, s, 2s, ... while it fits, plus
one flush with the far edge, as convscope places them) is occluded with 0 through masks precomputed once, all
windows and the unoccluded image in one batch, then one forward, softmax and the top-1 class's score per row:
the map is the image's score minus each window's. Variants:

    fp32         float32, TF32 off
    tf32         float32 with TF32 in cuDNN and matmuls (CUDA only)
    bf16         bfloat16 autocast, channels-last model and batch
    bf16-graph   the bf16 variant captured once as a CUDA graph and replayed (CUDA only)
    loop         one fp32 forward per row, on the image and the first --loop-windows windows, scaled to the grid

Prints one JSON line per model and variant: {"bench": "pytorch-baseline", "model", "variant", "device",
"windows", "ms" (median of --repeat whole-grid runs), "windows_per_s", "max_abs_diff_vs_fp32" (the scores'),
"map_relative_difference_vs_fp32" (the map's largest difference from the fp32 map over the fp32 map's largest
magnitude, as convscope-bench reports it), "torch", on CUDA "cudnn_benchmark" (true: cuDNN measures its
algorithms per shape, as convscope-bench has it do), and on
the CPU "threads" and "blas" (the BLAS library loaded, by threadpoolctl or /proc/self/maps), and
"retains_freed_memory"}; a graph this
torch cannot capture gives {"variant": "bf16-graph", "error"} and the rest still runs. Exit 2 on a usage error, 1 on a runtime failure.

--heap retain (the default) has glibc keep the memory torch frees, as convscope-bench does (its
native/include/convscope/memory.h says why): large CPU tensors are otherwise mapped afresh for every batch, and
page faults then cost a ResNet18 map on two cores more than a third of its time, in PyTorch as in convscope.
--heap default leaves the C library as it is.
"""

import argparse
import ctypes
import json
import os
import re
import statistics
import sys
import time

try:
    import torch
    import torchvision
except ImportError as e:
    print(f"pytorch_baseline.py: this Python has no {e.name}; install torch and torchvision", file=sys.stderr)
    sys.exit(1)


def retain_freed_memory():
    """glibc's mallopt as convscope-bench calls it: no block from mmap, the heap never trimmed. True if in force."""
    try:
        libc = ctypes.CDLL("libc.so.6")
        m_trim_threshold, m_mmap_max = -1, -4  # glibc's <malloc.h>
        return libc.mallopt(m_mmap_max, 0) == 1 and libc.mallopt(m_trim_threshold, -1) == 1
    except (OSError, AttributeError):
        return False


def offsets(size, window, stride):
    """Window starts along one axis: 0, s, 2s, ... while the window fits, plus one flush with the far edge."""
    out = list(range(0, size - window + 1, stride))
    if out[-1] != size - window:
        out.append(size - window)
    return out


def keep_masks(size, window, stride, device):
    """(1 + N) x 1 x H x W: row 0 all 1 (the unoccluded image), row 1 + n 0 inside window n and 1 elsewhere."""
    rows, cols = offsets(size, window, stride), offsets(size, window, stride)
    masks = torch.ones(1 + len(rows) * len(cols), 1, size, size, device=device)
    for i, top in enumerate(rows):
        for j, left in enumerate(cols):
            masks[1 + i * len(cols) + j, :, top:top + window, left:left + window] = 0
    return masks


def blas_name():
    """Which BLAS this torch runs: threadpoolctl's view when present, else the build configuration's."""
    try:
        from threadpoolctl import threadpool_info
        libs = [f"{i.get('internal_api')} {i.get('filepath')}" for i in threadpool_info()
                if i.get("user_api") == "blas"]
        if libs:
            return "; ".join(libs)
    except ImportError:
        pass
    torch.mm(torch.ones(64, 64), torch.ones(64, 64))  # loads the BLAS where it is loaded lazily
    try:
        with open("/proc/self/maps") as maps:
            libs = sorted({os.path.realpath(line.split()[-1]) for line in maps
                           if "blas" in line.rsplit("/", 1)[-1].lower() and line.split()[-1].startswith("/")})
        if libs:
            return "; ".join(libs)
    except OSError:
        pass
    found = re.search(r"BLAS_INFO=(\w+)", torch.__config__.show())
    return found.group(1) if found else "unknown"


def set_tf32(on):
    # The two switches a user has written since TF32 came in. From torch 2.9 each also sets the per-operation
    # fp32_precision flags behind it (cuDNN's for convolutions and RNNs together), so the old and new flags stay
    # in step; setting only torch.backends.cudnn.conv.fp32_precision would leave them mixed, which torch
    # refuses with a RuntimeError when it next asks cuDNN's TF32 flag. torch 2.9+ warns once that they are old.
    torch.backends.cudnn.allow_tf32 = on
    torch.backends.cuda.matmul.allow_tf32 = on


def timed(fn, repeat, cuda):
    """Median wall time in ms of fn() over repeat runs, after one warm-up run; and the last result."""
    result = fn()
    times = []
    for _ in range(repeat):
        if cuda:
            torch.cuda.synchronize()
        t0 = time.perf_counter()
        result = fn()
        if cuda:
            torch.cuda.synchronize()
        times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times), result


def graphed_bf16(model, image, autocast_bf16, repeat):
    """The bf16 variant captured once as a CUDA graph, timed by replays."""
    static_image = image.clone()
    stream = torch.cuda.Stream()
    stream.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(stream):
        for _ in range(3):  # warm-up on a side stream, as torch.cuda.graphs asks
            autocast_bf16(model, static_image, cache=False)
    torch.cuda.current_stream().wait_stream(stream)
    graph = torch.cuda.CUDAGraph()
    with torch.cuda.graph(graph):
        static_out = autocast_bf16(model, static_image, cache=False)

    def replay():
        graph.replay()
        return static_out
    return timed(replay, repeat, True)


def bench_model(name, args, device):
    cuda = device.type == "cuda"
    torch.manual_seed(args.seed)
    model = torchvision.models.get_model(name, weights=None).eval().to(device)
    gen = torch.Generator().manual_seed(args.seed)
    image = torch.randn(1, 3, args.size, args.size, generator=gen).to(device)
    keep = keep_masks(args.size, args.window, args.stride, device)
    windows = keep.shape[0] - 1
    with torch.inference_mode():
        set_tf32(False)
        target = int(model(image).argmax(1))

        def batched():
            return model(image * keep).softmax(1)[:, target].float()

        def autocast_bf16(net, x, cache=True):
            # Graph capture wants autocast's weight cache off (torch.cuda.graphs' notes): casts are replayed.
            with torch.autocast(device.type, dtype=torch.bfloat16, cache_enabled=cache):
                return net(x * keep).softmax(1)[:, target].float()

        results = {}
        ms, exact = timed(batched, args.repeat, cuda)
        results["fp32"] = (ms, exact)
        if cuda:
            set_tf32(True)
            results["tf32"] = timed(batched, args.repeat, cuda)
            set_tf32(False)
        cl_model = model.to(memory_format=torch.channels_last)
        cl_image = image.contiguous(memory_format=torch.channels_last)
        results["bf16"] = timed(lambda: autocast_bf16(cl_model, cl_image), args.repeat, cuda)
        if cuda:
            try:
                results["bf16-graph"] = graphed_bf16(cl_model, cl_image, autocast_bf16, args.repeat)
            except RuntimeError as e:  # a capture this torch cannot do: said, and the other variants still run
                print(json.dumps({"bench": "pytorch-baseline", "model": name, "variant": "bf16-graph",
                                  "error": str(e).splitlines()[0]}), flush=True)
        model = cl_model.to(memory_format=torch.contiguous_format)
        count = min(args.loop_windows, windows)

        def loop():
            # The unoccluded image's score, then the first count windows'.
            return torch.cat([model(image * keep[k:k + 1]).softmax(1)[:, target] for k in range(1 + count)])
        ms, looped = timed(loop, max(1, args.repeat // 2), cuda)
        results["loop"] = (ms * (1 + windows) / (1 + count), looped)

    exact_map = exact[0] - exact[1:]
    exact_largest = float(exact_map.abs().max())
    for variant, (ms, scores) in results.items():
        variant_map = scores[0] - scores[1:]
        map_diff = float((variant_map - exact_map[:variant_map.shape[0]]).abs().max())
        line = {"bench": "pytorch-baseline", "model": name, "variant": variant, "device": device.type,
                "input": f"3x{args.size}x{args.size}", "window": args.window, "stride": args.stride,
                "windows": windows, "ms": round(ms, 3), "windows_per_s": round(windows / ms * 1e3, 2),
                "max_abs_diff_vs_fp32": float((scores - exact[:scores.shape[0]]).abs().max()),
                "map_relative_difference_vs_fp32": map_diff / exact_largest if exact_largest > 0 else 0.0,
                "torch": torch.__version__}
        if variant == "loop":
            line["timed_windows"] = count
        if cuda:
            line["cudnn_benchmark"] = torch.backends.cudnn.benchmark
        else:
            line["threads"] = torch.get_num_threads()
            line["blas"] = blas_name()
        line["retains_freed_memory"] = args.retains_freed_memory
        print(json.dumps(line), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--device", choices=("cuda", "cpu"), default="cuda")
    parser.add_argument("--cpu", action="store_const", const="cpu", dest="device", help="same as --device cpu")
    parser.add_argument("--models", default="alexnet,resnet18,vgg16")
    parser.add_argument("--size", type=int, default=224)
    parser.add_argument("--window", type=int, default=50)
    parser.add_argument("--stride", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--loop-windows", type=int, default=40)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=0, help="CPU threads (default: every core)")
    parser.add_argument("--heap", choices=("retain", "default"), default="retain",
                        help="retain: the C heap keeps freed memory, as convscope-bench has it")
    args = parser.parse_args()
    if not 1 <= args.window <= args.size or args.stride < 1 or args.repeat < 1 or args.loop_windows < 1:
        parser.error("need 1 <= --window <= --size, and --stride, --repeat and --loop-windows of at least 1")
    if args.device == "cuda" and not torch.cuda.is_available():
        print("pytorch_baseline.py: no CUDA device is available to this torch; use --cpu", file=sys.stderr)
        sys.exit(1)
    # cuDNN measures its algorithms for each new shape, as convscope-bench has it do: the grid's shapes repeat.
    torch.backends.cudnn.benchmark = args.device == "cuda"
    # Every core by default, as convscope-bench: torch's own default follows OpenMP's, 1 in some containers.
    torch.set_num_threads(args.threads if args.threads > 0 else os.cpu_count() or 1)
    args.retains_freed_memory = args.heap == "retain" and retain_freed_memory()
    for name in args.models.split(","):
        bench_model(name, args, torch.device(args.device))


if __name__ == "__main__":
    main()
