#!/usr/bin/python3
"""Train and export convscope's bundled default model ("convscope-fashion").

A small AlexNet-shaped CNN trained on Fashion-MNIST that has been upscaled to
64x64 and colourised (random foreground and background colour per image), so
that first-layer filters pick up colour as well as edges.

Run from the repository root (takes about 10 minutes on 2 CPU cores):

    /usr/bin/python3 models/train_bundled.py

Writes, next to this script:
    convscope-fashion.pt     TorchScript module (eval mode)
    convscope-fashion.json   model card (input size, mean/std, labels, accuracy)
    samples/*.png            six colourised test images at 192x192
    samples/index.txt        their lines in the sample index (file | model | licence | source)

Needs python3-torch, python3-torchvision (not used for data), python3-numpy,
python3-pil and dataset-fashion-mnist (Debian packages).
"""

import argparse
import gzip
import json
import os
import random
import re
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
DATA_DIR = "/usr/share/datasets/fashion-mnist"
NAME = "convscope-fashion"
SOURCE = "trained by convscope (models/train_bundled.py) on Fashion-MNIST (Zalando Research, MIT licence)"
LABELS = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
          "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]

SEED = 20240601          # model init, data order, augmentation
TRAIN_COLOUR_SEED = 1    # colours of the training set, epoch e uses TRAIN_COLOUR_SEED + e
TEST_COLOUR_SEED = 7     # colours of the test split (fixed; named in the card)
SIZE = 64                # network input (square)
SAMPLE_SIZE = 3 * SIZE   # sample PNG side
MIN_COLOUR_DIST = 0.5    # Euclidean distance between foreground and background colour in RGB [0,1]^3


# ----------------------------------------------------------------------------- data

def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic = int.from_bytes(data[0:4], "big")
    ndim = magic & 0xFF
    dims = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims).copy()


def load_split(kind):
    x = read_idx(os.path.join(DATA_DIR, f"{kind}-images-idx3-ubyte.gz"))
    y = read_idx(os.path.join(DATA_DIR, f"{kind}-labels-idx1-ubyte.gz"))
    return torch.from_numpy(x), torch.from_numpy(y.astype(np.int64))


def draw_colours(n, seed):
    """Per-image (foreground, background) colours, each (n, 3) in [0,1], at least MIN_COLOUR_DIST apart."""
    rng = np.random.default_rng(seed)
    fg = rng.random((n, 3))
    bg = rng.random((n, 3))
    bad = np.linalg.norm(fg - bg, axis=1) < MIN_COLOUR_DIST
    while bad.any():  # redraw only the pairs that are too close
        k = int(bad.sum())
        fg[bad] = rng.random((k, 3))
        bg[bad] = rng.random((k, 3))
        bad = np.linalg.norm(fg - bg, axis=1) < MIN_COLOUR_DIST
    return torch.from_numpy(fg).float(), torch.from_numpy(bg).float()


def colourise(gray_u8, fg, bg, size):
    """gray (N,28,28) uint8 -> (N,3,size,size) float in [0,1]: bg*(1-a) + fg*a, a = bilinear-upscaled intensity/255."""
    a = gray_u8.float().div_(255.0).unsqueeze(1)
    a = F.interpolate(a, size=(size, size), mode="bilinear", align_corners=False).clamp_(0.0, 1.0)
    fg = fg.view(-1, 3, 1, 1)
    bg = bg.view(-1, 3, 1, 1)
    return bg + (fg - bg) * a


def augment(gray_u8, gen):
    """Random horizontal flip and a shift of up to 2 pixels (zero = background fill), on the 28x28 grayscale."""
    n = gray_u8.shape[0]
    x = gray_u8.clone()
    flip = torch.rand(n, generator=gen) < 0.5
    x[flip] = x[flip].flip(-1)
    padded = F.pad(x, (2, 2, 2, 2))
    dx = torch.randint(0, 5, (n,), generator=gen)
    dy = torch.randint(0, 5, (n,), generator=gen)
    out = torch.empty_like(x)
    for i in range(n):
        out[i] = padded[i, dy[i]:dy[i] + 28, dx[i]:dx[i] + 28]
    return out


def channel_stats(gray_u8, fg, bg, batch=2000):
    s = torch.zeros(3, dtype=torch.float64)
    s2 = torch.zeros(3, dtype=torch.float64)
    count = 0
    for i in range(0, gray_u8.shape[0], batch):
        x = colourise(gray_u8[i:i + batch], fg[i:i + batch], bg[i:i + batch], SIZE).double()
        s += x.sum(dim=(0, 2, 3))
        s2 += (x * x).sum(dim=(0, 2, 3))
        count += x.shape[0] * x.shape[2] * x.shape[3]
    mean = s / count
    std = (s2 / count - mean * mean).sqrt()
    return mean.float(), std.float()


# ----------------------------------------------------------------------------- model

class ConvScopeFashion(nn.Module):
    """AlexNet-shaped: convolutions at features.0/3/6/8/10, then avgpool, then classifier."""

    def __init__(self, num_classes: int = 10):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 32, kernel_size=7, stride=2, padding=3),    # 0: 3x64x64 -> 32x32x32
            nn.ReLU(inplace=True),                                   # 1
            nn.MaxPool2d(kernel_size=2, stride=2),                   # 2: -> 32x16x16
            nn.Conv2d(32, 64, kernel_size=5, padding=2),             # 3: -> 64x16x16
            nn.ReLU(inplace=True),                                   # 4
            nn.MaxPool2d(kernel_size=2, stride=2),                   # 5: -> 64x8x8
            nn.Conv2d(64, 96, kernel_size=3, padding=1),             # 6: -> 96x8x8
            nn.ReLU(inplace=True),                                   # 7
            nn.Conv2d(96, 96, kernel_size=3, padding=1),             # 8: -> 96x8x8
            nn.ReLU(inplace=True),                                   # 9
            nn.Conv2d(96, 64, kernel_size=3, padding=1),             # 10: -> 64x8x8
            nn.ReLU(inplace=True),                                   # 11
            nn.MaxPool2d(kernel_size=2, stride=2),                   # 12: -> 64x4x4
        )
        self.avgpool = nn.AdaptiveAvgPool2d((4, 4))
        self.classifier = nn.Sequential(
            nn.Dropout(p=0.3),
            nn.Linear(64 * 4 * 4, 256),
            nn.ReLU(inplace=True),
            nn.Dropout(p=0.3),
            nn.Linear(256, num_classes),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.features(x)
        x = self.avgpool(x)
        x = torch.flatten(x, 1)
        return self.classifier(x)


def count_macs(model, size):
    macs = 0

    def hook(m, inp, out):
        nonlocal macs
        if isinstance(m, nn.Conv2d):
            macs += out.numel() * (m.in_channels // m.groups) * m.kernel_size[0] * m.kernel_size[1]
        elif isinstance(m, nn.Linear):
            macs += m.in_features * m.out_features
    hs = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
    with torch.no_grad():
        model(torch.zeros(1, 3, size, size))
    for h in hs:
        h.remove()
    return macs


# ----------------------------------------------------------------------------- train / eval

def evaluate(model, x_gray, y, fg, bg, mean, std, batch=1000):
    model.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, x_gray.shape[0], batch):
            x = colourise(x_gray[i:i + batch], fg[i:i + batch], bg[i:i + batch], SIZE)
            x = (x - mean.view(1, 3, 1, 1)) / std.view(1, 3, 1, 1)
            correct += (model(x).argmax(1) == y[i:i + batch]).sum().item()
    return correct / x_gray.shape[0]


def slug(name):
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def save_samples(model, x_test, y_test, fg, bg, mean, std, out_dir, classes=(0, 1, 3, 5, 7, 8)):
    """First test image of each listed class that the model gets right after a 192 -> 64 downscale."""
    from PIL import Image
    os.makedirs(out_dir, exist_ok=True)
    for f in os.listdir(out_dir):
        if f.endswith(".png"):
            os.remove(os.path.join(out_dir, f))
    written = []
    model.eval()
    for c in classes:
        for idx in torch.nonzero(y_test == c).flatten().tolist():
            big = colourise(x_test[idx:idx + 1], fg[idx:idx + 1], bg[idx:idx + 1], SAMPLE_SIZE)[0]
            arr = (big.permute(1, 2, 0).numpy() * 255.0 + 0.5).clip(0, 255).astype(np.uint8)
            img = Image.fromarray(arr, "RGB")
            small = np.asarray(img.resize((SIZE, SIZE), Image.BILINEAR), dtype=np.float32) / 255.0
            x = torch.from_numpy(small).permute(2, 0, 1).unsqueeze(0)
            x = (x - mean.view(1, 3, 1, 1)) / std.view(1, 3, 1, 1)
            with torch.no_grad():
                if model(x).argmax(1).item() != c:
                    continue
            path = os.path.join(out_dir, f"{idx}-{slug(LABELS[c])}.png")
            img.save(path)
            written.append(path)
            break
    # samples/index.txt lists every built-in model's samples ("file | model | licence | source"): this model's
    # lines are replaced, by test-split index, and the others' kept.
    names = sorted((os.path.basename(p) for p in written), key=lambda n: int(n.split("-")[0]))
    index = os.path.join(out_dir, "index.txt")
    kept = []
    if os.path.exists(index):
        with open(index) as f:
            kept = [line for line in f if line.startswith("#") or " | fashion | " not in line]
    ours = [f"{n} | fashion | MIT | Fashion-MNIST test image {n.split('-')[0]} (Zalando Research), colourised and "
            "upscaled by models/train_bundled.py\n" for n in names]
    header = [line for line in kept if line.startswith("#")]
    with open(index, "w") as f:
        f.write("".join(header + ours + [line for line in kept if not line.startswith("#")]))
    return written


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--epochs", type=int, default=8)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--weight-decay", type=float, default=0.5,
                    help="AdamW's decoupled weight decay (0: plain Adam); it smooths first-layer filters")
    ap.add_argument("--limit", type=int, default=0, help="use only the first N training images (smoke test)")
    ap.add_argument("--out", default=HERE, help="output folder (default: the script's folder)")
    args = ap.parse_args()

    torch.set_num_threads(2)
    random.seed(SEED)
    np.random.seed(SEED)
    torch.manual_seed(SEED)
    torch.use_deterministic_algorithms(True)

    x_train, y_train = load_split("train")
    if args.limit:
        x_train, y_train = x_train[:args.limit], y_train[:args.limit]
    x_test, y_test = load_split("t10k")
    test_fg, test_bg = draw_colours(x_test.shape[0], TEST_COLOUR_SEED)

    # normalization statistics from the colourised training set (epoch-0 colours, no augmentation)
    fg0, bg0 = draw_colours(x_train.shape[0], TRAIN_COLOUR_SEED)
    mean, std = channel_stats(x_train, fg0, bg0)
    # round to what the card stores, so training and the card use identical numbers
    mean = torch.tensor([round(v, 4) for v in mean.tolist()])
    std = torch.tensor([round(v, 4) for v in std.tolist()])
    print(f"mean {[round(v, 4) for v in mean.tolist()]} std {[round(v, 4) for v in std.tolist()]}")

    model = ConvScopeFashion(len(LABELS))
    n_params = sum(p.numel() for p in model.parameters())
    print(f"parameters {n_params}, MACs/image {count_macs(model, SIZE) / 1e6:.1f} M")

    gen = torch.Generator().manual_seed(SEED)
    steps_per_epoch = (x_train.shape[0] + args.batch - 1) // args.batch
    opt = (torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=args.weight_decay)
           if args.weight_decay > 0 else torch.optim.Adam(model.parameters(), lr=args.lr))
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=args.lr, epochs=args.epochs,
                                                steps_per_epoch=steps_per_epoch, pct_start=0.2)
    m4, s4 = mean.view(1, 3, 1, 1), std.view(1, 3, 1, 1)

    t0 = time.time()
    for epoch in range(args.epochs):
        model.train()
        fg, bg = (fg0, bg0) if epoch == 0 else draw_colours(x_train.shape[0], TRAIN_COLOUR_SEED + epoch)
        perm = torch.randperm(x_train.shape[0], generator=gen)
        loss_sum, seen = 0.0, 0
        for i in range(0, x_train.shape[0], args.batch):
            idx = perm[i:i + args.batch]
            x = colourise(augment(x_train[idx], gen), fg[idx], bg[idx], SIZE)
            x = (x - m4) / s4
            opt.zero_grad(set_to_none=True)
            loss = F.cross_entropy(model(x), y_train[idx])
            loss.backward()
            opt.step()
            sched.step()
            loss_sum += loss.item() * idx.numel()
            seen += idx.numel()
        acc = evaluate(model, x_test, y_test, test_fg, test_bg, mean, std)
        print(f"epoch {epoch + 1}/{args.epochs} loss {loss_sum / seen:.4f} test acc {acc:.4f} "
              f"({time.time() - t0:.0f} s)", flush=True)
    train_s = time.time() - t0

    model.eval()
    acc = evaluate(model, x_test, y_test, test_fg, test_bg, mean, std)

    os.makedirs(args.out, exist_ok=True)
    pt_path = os.path.join(args.out, NAME + ".pt")
    scripted = torch.jit.script(model)
    scripted.save(pt_path)
    # the exported file must give the same answers as the Python model
    loaded = torch.jit.load(pt_path)
    probe = (colourise(x_test[:64], test_fg[:64], test_bg[:64], SIZE) - m4) / s4
    with torch.no_grad():
        assert torch.allclose(loaded(probe), model(probe), atol=1e-5)

    card = {
        "name": NAME,
        "description": "Small AlexNet-shaped CNN trained on colourised 64x64 Fashion-MNIST (convscope's bundled demo model)",
        "input": {"channels": 3, "height": SIZE, "width": SIZE},
        "resize": SIZE,
        "crop": SIZE,
        "mean": [round(v, 4) for v in mean.tolist()],
        "std": [round(v, 4) for v in std.tolist()],
        "labels": LABELS,
        "testAccuracy": round(acc, 4),
        "dataset": f"Fashion-MNIST test split, colourised (seed {TEST_COLOUR_SEED})",
        "score": "prob",
        "source": SOURCE,
    }
    with open(os.path.join(args.out, NAME + ".json"), "w") as f:
        json.dump(card, f, indent=2)
        f.write("\n")

    samples = save_samples(model, x_test, y_test, test_fg, test_bg, mean, std, os.path.join(args.out, "samples"))
    for p in samples:
        print("wrote", os.path.relpath(p, os.getcwd()))

    size = os.path.getsize(pt_path)
    print(f"SUMMARY test_accuracy={acc:.4f} params={n_params} file_bytes={size} "
          f"({size / 1e6:.2f} MB) train_seconds={train_s:.0f}")


if __name__ == "__main__":
    main()
