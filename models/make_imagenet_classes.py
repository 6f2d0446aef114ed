#!/usr/bin/python3
"""Write imagenet_classes.txt: the 1000 ILSVRC-2012 class names in torchvision's output order, one per line.

    /usr/bin/python3 models/make_imagenet_classes.py [OUT_FILE]

The names come from the metadata of the installed torchvision (Debian's python3-torchvision), the same list
its pretrained weights carry as weights.meta["categories"]; no download is needed. OUT_FILE defaults to
imagenet_classes.txt next to this script. convscope bundles the file and names the classes of any 1000-class
model without a card from it.
"""

import os
import sys

from torchvision.models._meta import _IMAGENET_CATEGORIES


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                             "imagenet_classes.txt")
    names = list(_IMAGENET_CATEGORIES)
    if len(names) != 1000 or any(not n.strip() or "\n" in n for n in names):
        sys.exit(f"unexpected ImageNet category list ({len(names)} names); is torchvision installed?")
    with open(out, "w", encoding="utf-8") as f:
        f.write("\n".join(names) + "\n")
    print(f"wrote {out} ({len(names)} class names)")


if __name__ == "__main__":
    main()
