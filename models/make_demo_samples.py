#!/usr/bin/env python3
"""Make the demo's out-of-domain sample photos: 112x112 square crops of three photos that Debian's
python3-skimage ships (skimage/data/), resized as the astronaut face crop is (bicubic, Pillow).

    /usr/bin/python3 models/make_demo_samples.py        # writes models/samples/{cat,coffee,rocket}-112.png

Needs python3-skimage (for the files only; nothing of skimage is imported) and Pillow. The licences are in
models/samples/index.txt, which the jar reads, and in skimage's own docstrings (skimage/data/_fetchers.py).
"""
from pathlib import Path

from PIL import Image

DATA = Path("/usr/lib/python3/dist-packages/skimage/data")
SAMPLES = Path(__file__).resolve().parent / "samples"
SIZE = 112

# (output, source file, square box left, top, right, bottom in the original's pixels)
CROPS = [
    ("cat-face.png", "chelsea.png", (100, 10, 390, 300)),    # Chelsea the cat's face, ears to chin
    ("coffee-cup.png", "coffee.png", (140, 0, 440, 300)),    # the cup and the spoon, from above
    ("rocket.png", "rocket.jpg", (170, 110, 470, 410)),      # Falcon 9 between two towers, at dusk
]


def main():
    for name, source, box in CROPS:
        assert box[2] - box[0] == box[3] - box[1], name + ": the box must be square"
        image = Image.open(DATA / source).convert("RGB").crop(box)
        image.resize((SIZE, SIZE), Image.BICUBIC).save(SAMPLES / name, optimize=True)
        print("wrote", SAMPLES / name, "from", source, "box", box)


if __name__ == "__main__":
    main()
