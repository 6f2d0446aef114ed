#!/usr/bin/python3
"""Write the model files the Java tests load.

    /usr/bin/python3 models/make_test_models.py OUT_DIR

Everything is seeded, so reruns give the same weights. Files:
    alexnet.pt, vgg16.pt, resnet18.pt   torchvision architectures, random weights, TorchScript, no card
    tiny.pt + tiny.json                 hand-set 3-channel 8x8 net with known weights
    tiny_gray.pt + tiny_gray.json       hand-set 1-channel 6x6 net
    named.pt                            no `features` attribute (stem / block / head), no card
    dilated.pt + dilated.json           1-channel 31x31 net with dilation, padding, ceil_mode, a non-square kernel,
                                        a nested Sequential and a residual block, for receptive fields by hand
    upsampled.pt                        features conv, Upsample, conv: a type receptive fields cannot follow; no card
    resnet18_probe_input.npy            a seeded 1x3x64x64 input, and resnet18_probe_<layer>.npy: what
                                        torchvision's own forward gives at those layers for it (forward hooks)
    state_dict.pt                       torch.save of tiny's state_dict (a torch file that is NOT TorchScript)
    patch_probe.pt + patch_probe.json   weightless probe: class 0 = mean of an off-diagonal 50x50 patch of a 224x224 input
    chain_mix.pt + chain_mix.json       3-channel 67x67 net whose leading chain has every kind of link the incremental
                                        engine handles: batch norm, ceil_mode max-pool, 'same' padding with an even
                                        kernel, dilation, groups, a padded avg-pool, LeakyReLU; He-initialised
    doubled.pt                          AlexNet-like layout whose forward doubles the features: its modules run one
                                        after another do not give its output
    upsample_first.pt                   starts with an Upsample, so it has no leading chain of convolutions and pools
    gray_nocard.pt                      1-channel 16x16 net without a card: a conv/ReLU/max-pool chain and a Linear head
    picky.pt                            1-channel net without a card whose forward raises "this model takes 16 x 16
                                        inputs" on any other size
    garbage.pt                          1000 random bytes
    nan_out.pt + nan_out.json           tiny's layout, but its output is NaN: for the "model output is not finite" error
    segmenter.pt + segmenter.json       3-channel 8x8 convolutions only: a 1 x 2 x 8 x 8 output, not one row of scores
    batch_stats.pt + batch_stats.json   3-channel 16x16 net with a batch norm without running statistics: its scores
                                        for an image depend on the other images in the batch
    batch_one.pt + batch_one.json       3-channel 8x8 net that flattens its whole batch into one row: one image at a
                                        time only
"""

import json
import os
import random
import sys

import numpy as np
import torch
import torch.nn as nn
import torchvision

SEED = 1234


class Net(nn.Module):
    """features -> avgpool -> classifier (the AlexNet/VGG layout)."""

    def __init__(self, features, avgpool, classifier):
        super().__init__()
        self.features = features
        self.avgpool = avgpool
        self.classifier = classifier

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.avgpool(self.features(x)))


class Named(nn.Module):
    """No `features`: layers are addressed by name (stem, block.0, head.2)."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 4, 3, padding=1)
        self.block = nn.Sequential(nn.Conv2d(4, 4, 3, padding=1), nn.ReLU())
        self.head = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(4, 3))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.block(self.stem(x)))


class Block(nn.Module):
    """A residual block: main path conv_a -> relu -> pool, plus a 1x1 shortcut branch named `downsample`."""

    def __init__(self):
        super().__init__()
        self.conv_a = nn.Conv2d(4, 4, kernel_size=(3, 1), padding=(1, 0))
        self.relu = nn.ReLU()
        self.pool = nn.AvgPool2d(3, stride=1, padding=1)
        self.downsample = nn.Conv2d(4, 4, kernel_size=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.pool(self.relu(self.conv_a(x))) + self.downsample(x)


class Doubled(nn.Module):
    """Runs more than its modules: the features are doubled in forward, which no module shows."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(3, 4, 5, stride=2, padding=2), nn.ReLU(), nn.MaxPool2d(2))
        self.avgpool = nn.AdaptiveAvgPool2d(2)
        self.classifier = nn.Sequential(nn.Flatten(), nn.Linear(16, 3))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.avgpool(self.features(x) * 2.0))


def make_chain_mix():
    """Every link kind of the incremental engine's chain, for exactness tests on a 67x67 input."""
    features = nn.Sequential(
        nn.Conv2d(3, 8, 5, padding=2), nn.BatchNorm2d(8), nn.ReLU(inplace=True),
        nn.MaxPool2d(3, stride=2, ceil_mode=True),
        nn.Conv2d(8, 8, 3, padding=2, dilation=2, groups=2), nn.LeakyReLU(0.1),
        nn.Conv2d(8, 12, 4, padding="same"), nn.ReLU(),
        nn.AvgPool2d(3, stride=2, padding=1),
        nn.Conv2d(12, 16, 3, stride=2), nn.Dropout(0.5))
    model = Net(features, nn.AdaptiveAvgPool2d(3), nn.Sequential(nn.Flatten(), nn.Linear(144, 5)))
    for m in model.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
            nn.init.normal_(m.bias, std=0.1)
        elif isinstance(m, nn.BatchNorm2d):
            # Non-trivial statistics, so eval-mode batch norm is not the identity.
            m.running_mean.normal_(0, 0.2)
            m.running_var.uniform_(0.5, 2.0)
            nn.init.normal_(m.weight, 1.0, 0.2)
            nn.init.normal_(m.bias, 0.0, 0.2)
    return model


class GrayNoCard(nn.Module):
    """One input channel, 16 x 16, and no card: convscope must find both without being told."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2))
        self.classifier = nn.Linear(4 * 8 * 8, 3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(torch.flatten(self.features(x), 1))


class Picky(nn.Module):
    """Raises its own error on inputs of the wrong size: that message is what a user must see."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 2, 3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.size(2) != 16:
            raise ValueError("this model takes 16 x 16 inputs")
        return self.conv(x).mean(dim=(2, 3))


def make_dilated():
    """Receptive fields worked out by hand in ReceptiveFieldsTest; sizes are for a 31x31 input."""
    features = nn.Sequential(
        nn.Conv2d(1, 2, kernel_size=3, dilation=2, padding=2),                  # 0: 31x31
        nn.ReLU(),                                                              # 1
        nn.Sequential(nn.MaxPool2d(2, stride=2, ceil_mode=True),                # 2.0: 16x16 (15 without ceil)
                      nn.Conv2d(2, 4, kernel_size=3, stride=2, padding=1, dilation=3)),  # 2.1: 6x6
        Block(),                                                                # 3: 6x6
    )
    return Net(features, nn.AdaptiveAvgPool2d(1), nn.Sequential(nn.Flatten(), nn.Linear(4, 2)))


def make_padded():
    """An asymmetric ZeroPad2d before a valid stride-2 conv (TensorFlow's "same", generalised); fields by hand
    in ReceptiveFieldsTest for a 9x9 input: rows padded 1 before and 3 after, columns 2 before and 0 after."""
    features = nn.Sequential(nn.ZeroPad2d((2, 0, 1, 3)), nn.Conv2d(1, 2, kernel_size=3, stride=2))
    return Net(features, nn.AdaptiveAvgPool2d(1), nn.Sequential(nn.Flatten(), nn.Linear(2, 2)))


def make_embedder():
    """A 2-d "descriptor" with a known cosine similarity under occlusion (OcclusionEngineTest): the means of the
    left and right halves of a 1 x 8 x 8 input, through a 1x1 convolution of weight 1 and a ReLU, so that both
    engines have a chain to run. On an all-ones input the output is (1, 1); hiding a 4x4 window of it with 0 in
    the left half gives (0.5, 1), cosine 1.5 / sqrt(1.25 * 2); a window split evenly between the halves keeps the
    direction, cosine 1."""
    conv = nn.Conv2d(1, 1, kernel_size=1, bias=False)
    with torch.no_grad():
        conv.weight.fill_(1.0)
    return Net(nn.Sequential(conv, nn.ReLU()), nn.AdaptiveAvgPool2d((1, 2)), nn.Flatten())


RESNET_PROBE_LAYERS = ["layer1.0.conv2", "layer2.0.downsample.0", "layer2.0", "layer3.1.relu"]


def resnet_probe(model, out):
    """Feeds a seeded input to the eager resnet18 and saves what chosen modules output, for the Java walker."""
    x = torch.randn(1, 3, 64, 64, generator=torch.Generator().manual_seed(SEED + 20))
    seen = {}
    modules = dict(model.named_modules())
    hooks = []
    for name in RESNET_PROBE_LAYERS:
        # clone: an in-place ReLU later in the block would overwrite the tensor after the hook ran.
        # A module used twice (a block's relu) keeps its first output, the one the Java walker visits.
        hooks.append(modules[name].register_forward_hook(
            lambda m, i, o, name=name: seen.setdefault(name, o.detach().clone())))
    with torch.no_grad():
        model.eval()(x)
    for h in hooks:
        h.remove()
    np.save(os.path.join(out, "resnet18_probe_input.npy"), x.numpy().astype(np.float32))
    for name in RESNET_PROBE_LAYERS:
        np.save(os.path.join(out, f"resnet18_probe_{name}.npy"), seen[name].numpy().astype(np.float32))
    print(f"wrote resnet18_probe_*.npy ({len(RESNET_PROBE_LAYERS)} layers)")


def make_tiny():
    conv0 = nn.Conv2d(3, 2, kernel_size=2, bias=True)
    conv2 = nn.Conv2d(2, 3, kernel_size=2, bias=False)
    fc = nn.Linear(3, 2)
    with torch.no_grad():
        conv0.weight.copy_(torch.arange(24, dtype=torch.float32).reshape(2, 3, 2, 2))
        conv0.bias.copy_(torch.tensor([0.0, 0.0]))
        conv2.weight[0].fill_(1.5)
        conv2.weight[1].copy_(torch.arange(8, dtype=torch.float32).reshape(2, 2, 2) - 4.0)
        conv2.weight[2].copy_(torch.tensor([[[1.0, 0.0], [0.0, -1.0]], [[2.0, 0.0], [0.0, -2.0]]]))
        fc.weight.copy_(torch.tensor([[1.0, 0.0, 0.0], [0.0, 1.0, -1.0]]))
        fc.bias.copy_(torch.tensor([0.0, 0.5]))
    features = nn.Sequential(conv0, nn.ReLU(), conv2, nn.ReLU(), nn.MaxPool2d(2))
    return Net(features, nn.AdaptiveAvgPool2d(1), nn.Sequential(nn.Flatten(), fc))


def make_tiny_gray():
    conv = nn.Conv2d(1, 4, kernel_size=3)
    with torch.no_grad():
        conv.weight.copy_(torch.arange(36, dtype=torch.float32).reshape(4, 1, 3, 3))
    return Net(nn.Sequential(conv, nn.ReLU()), nn.AdaptiveAvgPool2d(1),
               nn.Sequential(nn.Flatten(), nn.Linear(4, 2)))


class PatchProbe(nn.Module):
    """Class 0's logit is the mean of rows 60..109, columns 150..199 of the input, over all channels (an
    off-diagonal patch, so a transposed occlusion map puts the drop in the wrong cell); class 1's is 0."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        patch = x[:, :, 60:110, 150:200].mean(dim=(1, 2, 3))
        return torch.stack([patch, torch.zeros_like(patch)], dim=1)


class BatchStats(nn.Module):
    """A batch norm without running statistics: even in eval mode it normalises by each batch's own, so an
    image's scores depend on the other images in its batch."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.BatchNorm2d(4, track_running_stats=False),
                                      nn.ReLU(), nn.MaxPool2d(2))
        self.head = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(4, 2))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(x))


class BatchOne(nn.Module):
    """Flattens its whole batch into one row: it takes one image at a time and fails on more."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(3, 2, 3, padding=1), nn.ReLU())
        self.head = nn.Linear(2 * 8 * 8, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(x).reshape(1, -1))


class NanOut(nn.Module):
    """A working convolution whose scores are then multiplied by NaN, as a diverged model's would be."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(3, 2, 3), nn.ReLU())
        self.head = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten())

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(x)) * float("nan")


def card(name, channels, size, labels):
    return {
        "name": name,
        "description": f"convscope test model {name}",
        "input": {"channels": channels, "height": size, "width": size},
        "resize": size,
        "crop": size,
        "mean": [0.0] * channels,
        "std": [1.0] * channels,
        "labels": labels,
    }


def main():
    if len(sys.argv) != 2:
        print("usage: make_test_models.py OUT_DIR", file=sys.stderr)
        sys.exit(2)
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    torch.set_num_threads(min(2, os.cpu_count() or 1))
    random.seed(SEED)
    np.random.seed(SEED)

    def script(name, model, seed_note=""):
        path = os.path.join(out, name + ".pt")
        torch.jit.script(model.eval()).save(path)
        print(f"wrote {path} ({os.path.getsize(path)} bytes){seed_note}")

    def write_card(name, data):
        path = os.path.join(out, name + ".json")
        with open(path, "w") as f:
            json.dump(data, f, indent=2)
            f.write("\n")
        print(f"wrote {path}")

    # torchvision architectures with seeded random weights (each re-seeded, so order does not matter)
    for i, (name, ctor) in enumerate([("alexnet", torchvision.models.alexnet),
                                       ("vgg16", torchvision.models.vgg16),
                                       ("resnet18", torchvision.models.resnet18)]):
        torch.manual_seed(SEED + i)
        model = ctor(weights=None)
        script(name, model, f" seed {SEED + i}")
        if name == "resnet18":
            resnet_probe(model, out)

    torch.manual_seed(SEED + 10)
    tiny = make_tiny()
    script("tiny", tiny)
    write_card("tiny", card("tiny", 3, 8, ["a", "b"]))

    torch.manual_seed(SEED + 11)
    script("tiny_gray", make_tiny_gray(), f" seed {SEED + 11}")
    write_card("tiny_gray", card("tiny_gray", 1, 6, ["a", "b"]))

    torch.manual_seed(SEED + 12)
    script("named", Named(), f" seed {SEED + 12}")

    script("patch_probe", PatchProbe())
    write_card("patch_probe", dict(card("patch_probe", 3, 224, ["patch", "zero"]), resize=224))

    torch.manual_seed(SEED + 13)
    script("dilated", make_dilated(), f" seed {SEED + 13}")
    write_card("dilated", card("dilated", 1, 31, ["a", "b"]))

    torch.manual_seed(SEED + 14)
    upsampled = nn.Sequential(nn.Conv2d(3, 2, 3, padding=1), nn.Upsample(scale_factor=2.0), nn.Conv2d(2, 2, 3))
    script("upsampled", Net(upsampled, nn.AdaptiveAvgPool2d(1), nn.Sequential(nn.Flatten(), nn.Linear(2, 2))),
           f" seed {SEED + 14}")

    torch.manual_seed(SEED + 15)
    script("chain_mix", make_chain_mix(), f" seed {SEED + 15}")
    write_card("chain_mix", card("chain_mix", 3, 67, ["a", "b", "c", "d", "e"]))

    torch.manual_seed(SEED + 16)
    script("doubled", Doubled(), f" seed {SEED + 16}")

    torch.manual_seed(SEED + 17)
    script("upsample_first", Net(nn.Sequential(nn.Upsample(scale_factor=2.0), nn.Conv2d(3, 4, 3)),
                                 nn.AdaptiveAvgPool2d(1), nn.Sequential(nn.Flatten(), nn.Linear(4, 2))),
           f" seed {SEED + 17}")

    torch.manual_seed(SEED + 18)
    script("nan_out", NanOut(), f" seed {SEED + 18}")
    write_card("nan_out", card("nan_out", 3, 8, ["a", "b"]))

    torch.manual_seed(SEED + 19)
    script("segmenter", nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.ReLU(), nn.Conv2d(4, 2, 1)),
           f" seed {SEED + 19}")
    write_card("segmenter", card("segmenter", 3, 8, ["a", "b"]))

    torch.manual_seed(SEED + 20)
    script("gray_nocard", GrayNoCard(), f" seed {SEED + 20}")
    torch.manual_seed(SEED + 21)
    script("picky", Picky(), f" seed {SEED + 21}")

    torch.manual_seed(SEED + 22)
    script("padded", make_padded(), f" seed {SEED + 22}")
    write_card("padded", card("padded", 1, 9, ["a", "b"]))

    script("embedder", make_embedder())
    write_card("embedder", dict(card("embedder", 1, 8, []), score="similarity"))

    torch.manual_seed(SEED + 23)
    script("batch_stats", BatchStats(), f" seed {SEED + 23}")
    write_card("batch_stats", card("batch_stats", 3, 16, ["a", "b"]))

    torch.manual_seed(SEED + 24)
    script("batch_one", BatchOne(), f" seed {SEED + 24}")
    write_card("batch_one", card("batch_one", 3, 8, ["a", "b"]))

    path = os.path.join(out, "state_dict.pt")
    torch.save(tiny.state_dict(), path)
    print(f"wrote {path} ({os.path.getsize(path)} bytes, state_dict, not TorchScript)")

    path = os.path.join(out, "garbage.pt")
    with open(path, "wb") as f:
        f.write(np.random.default_rng(SEED).integers(0, 256, size=1000, dtype=np.uint8).tobytes())
    print(f"wrote {path} (1000 random bytes)")


if __name__ == "__main__":
    main()
