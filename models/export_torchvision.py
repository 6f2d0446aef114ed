#!/usr/bin/python3
"""Export a torchvision classification model to TorchScript, with its convscope model card.

    /usr/bin/python3 models/export_torchvision.py alexnet [--pretrained] [--out DIR]

Writes DIR/NAME.pt (torch.jit.script of the model in eval mode) and DIR/NAME.json (input size, resize, crop,
mean and std from the weights' own preprocessing, and the 1000 ImageNet class names). DIR defaults to the
current folder.

Without --pretrained the weights are random (seeded with --seed): enough for layer tables, receptive fields,
filter-picture layouts and timings, and nothing needs downloading. --pretrained loads torchvision's ImageNet
weights (the architecture's DEFAULT weights, or --weights NAME), which torchvision downloads on first use:
that needs internet access (or the file already in ~/.cache/torch/hub/checkpoints).

Any name from torchvision.models.list_models() that takes a 3-channel image and returns class scores works,
e.g. alexnet, vgg16, resnet18, resnet50, googlenet (scripted without its auxiliary heads in eval mode).
"""

import argparse
import json
import os
import sys

import torch
import torchvision
from torchvision.models._meta import _IMAGENET_CATEGORIES


def card(name, weights_enum, weights, seed):
    """The model card convscope reads beside NAME.pt; preprocessing as the weights' transforms() state it."""
    preprocess = (weights or weights_enum.DEFAULT).transforms()
    crop = int(preprocess.crop_size[0])
    return {
        "name": name,
        "description": f"torchvision {torchvision.__version__} {name}, "
                       + (f"pretrained weights {weights}" if weights else f"random weights (seed {seed})"),
        "input": {"channels": 3, "height": crop, "width": crop},
        "resize": int(preprocess.resize_size[0]),
        "crop": crop,
        "mean": [float(v) for v in preprocess.mean],
        "std": [float(v) for v in preprocess.std],
        "labels": list((weights or weights_enum.DEFAULT).meta.get("categories") or _IMAGENET_CATEGORIES),
    }


def main():
    parser = argparse.ArgumentParser(description="Export a torchvision model to TorchScript with a model card.")
    parser.add_argument("name", help="torchvision model name: alexnet, vgg16, resnet18, ...")
    parser.add_argument("--pretrained", action="store_true",
                        help="use torchvision's ImageNet weights (downloads them: needs internet)")
    parser.add_argument("--weights", help="which pretrained weights, e.g. IMAGENET1K_V2 (implies --pretrained; "
                                          "default: the architecture's DEFAULT)")
    parser.add_argument("--seed", type=int, default=0, help="seed for random weights (default 0)")
    parser.add_argument("--out", default=".", help="output folder (default: the current folder)")
    args = parser.parse_args()

    if args.name not in torchvision.models.list_models(module=torchvision.models):
        sys.exit(f"export_torchvision.py: unknown classification model '{args.name}'; choose one of: "
                 + ", ".join(sorted(torchvision.models.list_models(module=torchvision.models))))
    weights_enum = torchvision.models.get_model_weights(args.name)
    weights = None
    if args.pretrained or args.weights:
        weights = weights_enum[args.weights] if args.weights else weights_enum.DEFAULT
    torch.manual_seed(args.seed)
    try:
        model = torchvision.models.get_model(args.name, weights=weights)
    except Exception as e:  # a failed download: say what to do, not a traceback
        sys.exit(f"export_torchvision.py: cannot load the {weights} weights of {args.name} ({e}); "
                 "--pretrained needs internet access, or leave it out for random weights")

    os.makedirs(args.out, exist_ok=True)
    pt = os.path.join(args.out, args.name + ".pt")
    torch.jit.script(model.eval()).save(pt)
    path = os.path.join(args.out, args.name + ".json")
    with open(path, "w") as f:
        json.dump(card(args.name, weights_enum, weights, args.seed), f, indent=2)
        f.write("\n")
    print(f"wrote {pt} ({os.path.getsize(pt)} bytes) and {path}")


if __name__ == "__main__":
    main()
