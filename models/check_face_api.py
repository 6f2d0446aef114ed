#!/usr/bin/python3
"""Compare the TorchScript conversions of face-api's nets with face-api itself, running under TensorFlow.js.

    /usr/bin/python3 models/check_face_api.py [--package TGZ] [--node-project DIR] [--models DIR]

Not part of the build or CI: it needs npm (or a prepared --node-project) and node. It

1. installs @tensorflow/tfjs 4.22.0 (pure JavaScript, CPU backend), @tensorflow/tfjs-backend-wasm 4.22.0 (face-api's
   Node build requires it; it is not used) and the pinned face-api tarball (fetched and checked by
   convert_face_api.py's rules) into a temporary npm project, unless --node-project names one;
2. makes the sample crops models/samples/astronaut-face.png (112x112) and astronaut-face-150.png (150x150) from
   python3-skimage's astronaut.png if they are missing (needs python3-pil; the committed files are used as
   they are otherwise);
3. runs face-api's FaceExpressionNet and FaceRecognitionNet (models/check_face_api.mjs) and the converted
   models/builtin/*.pt on the same inputs, prints the largest differences, and
4. writes face-api's outputs to models/builtin/face-api-reference.json, which the Java test FaceNetsTest holds
   the converted models to.

The inputs are exactly what convscope's ImageLoader makes of a PNG of the net's input size with the cards
(no resize, no crop; value / 255 - mean, std 1, in float32), and what face-api makes of the same pixels (it
subtracts the mean on the 0..255 scale, then divides by 255): a synthetic pattern and the astronaut crops.
"""

import argparse
import json
import os
import subprocess
import sys
import tarfile
import tempfile

import numpy as np
import torch

import convert_face_api as conv

HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLES = os.path.join(HERE, "samples")
ASTRONAUT = "/usr/lib/python3/dist-packages/skimage/data/astronaut.png"
# Eileen Collins' face in skimage's 512x512 astronaut.png, brows to chin: (left, top, right, bottom).
FACE_BOX = (176, 79, 274, 177)
TFJS = "4.22.0"


def synthetic_formula():
    return "pixel (row y, column x, channel c in R, G, B) = (7 x + 13 y + 29 c) mod 256"


def sample_crop(file_name, size):
    """The astronaut's face at size x size, made once from the skimage original; read back from the PNG."""
    from PIL import Image  # python3-pil: only this check script needs it, never the conversion
    path = os.path.join(SAMPLES, file_name)
    if not os.path.exists(path):
        if not os.path.exists(ASTRONAUT):
            sys.exit("check_face_api: " + path + " is missing and so is " + ASTRONAUT
                     + " (apt-get install python3-skimage)")
        face = Image.open(ASTRONAUT).convert("RGB").crop(FACE_BOX)
        face.resize((size, size), Image.BICUBIC).save(path, optimize=True)
        print("wrote", path)
    pixels = np.asarray(Image.open(path).convert("RGB"), dtype=np.uint8)
    if pixels.shape != (size, size, 3):
        sys.exit("check_face_api: " + path + " is " + str(pixels.shape) + ", expected " + str((size, size, 3)))
    return pixels


def node_project(folder, tarball):
    """A scratch npm project with TensorFlow.js and the pinned face-api (install scripts are not run)."""
    os.makedirs(folder)
    with open(os.path.join(folder, "package.json"), "w") as f:
        json.dump({"name": "face-api-check", "private": True}, f)
    subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--ignore-scripts",
                    "@tensorflow/tfjs@" + TFJS, "@tensorflow/tfjs-backend-wasm@" + TFJS, os.path.abspath(tarball)],
                   cwd=folder, check=True)
    return folder


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--package", help="an already downloaded face-api tarball (else npm pack fetches it)")
    parser.add_argument("--node-project", help="an npm project that already holds @tensorflow/tfjs and face-api")
    parser.add_argument("--models", default=os.path.join(HERE, "builtin"), help="where the .pt files are and "
                        "face-api-reference.json goes (default models/builtin)")
    args = parser.parse_args()

    cases = [  # (name, net, size, image description, pixels)
        ("synthetic-112", "expression", 112, synthetic_formula() + ", 112x112", conv.synthetic(112)),
        ("astronaut-face", "expression", 112, "models/samples/astronaut-face.png",
         sample_crop("astronaut-face.png", 112)),
        ("synthetic-150", "recognition", 150, synthetic_formula() + ", 150x150", conv.synthetic(150)),
        ("astronaut-face-150", "recognition", 150, "models/samples/astronaut-face-150.png",
         sample_crop("astronaut-face-150.png", 150)),
    ]

    with tempfile.TemporaryDirectory() as tmp:
        tarball = args.package or conv.fetch_package(tmp)
        conv.check_integrity(tarball)
        model_dir = os.path.join(tmp, "model")
        with tarfile.open(tarball, "r:gz") as tar:
            for member in tar.getmembers():
                if member.name.startswith("package/model/face_expression_model") or \
                        member.name.startswith("package/model/face_recognition_model"):
                    member.name = os.path.basename(member.name)
                    tar.extract(member, model_dir)
        project = args.node_project or node_project(os.path.join(tmp, "npm"), tarball)
        spec = []
        for name, net, size, _, pixels in cases:
            file = os.path.join(tmp, name + ".u8")
            pixels.tofile(file)
            spec.append({"name": name, "net": net, "size": size, "pixels": file})
        with open(os.path.join(tmp, "cases.json"), "w") as f:
            json.dump(spec, f)
        out = os.path.join(tmp, "face-api.json")
        subprocess.run(["node", os.path.join(HERE, "check_face_api.mjs"), project, model_dir,
                        os.path.join(tmp, "cases.json"), out], check=True)
        with open(out) as f:
            face_api = json.load(f)

    nets = {"expression": torch.jit.load(os.path.join(args.models, "expression.pt")),
            "recognition": torch.jit.load(os.path.join(args.models, "face-recognition.pt"))}
    worst = {"logits": 0.0, "probabilities": 0.0, "descriptor": 0.0}
    records = []
    for (name, net, size, image, pixels), theirs in zip(cases, face_api["results"]):
        assert theirs["name"] == name
        with torch.no_grad():
            ours = nets[net](conv.normalised(pixels))[0].double()
        record = {"name": name, "model": "expression" if net == "expression" else "face-recognition",
                  "image": image}
        if net == "expression":
            probs = torch.softmax(ours, 0)
            d_logits = (ours - torch.tensor(theirs["logits"], dtype=torch.float64)).abs().max().item()
            d_probs = (probs - torch.tensor(theirs["probabilities"], dtype=torch.float64)).abs().max().item()
            worst["logits"] = max(worst["logits"], d_logits)
            worst["probabilities"] = max(worst["probabilities"], d_probs)
            order = sorted(range(len(probs)), key=lambda i: -theirs["probabilities"][i])
            top, second = order[0], order[1]
            print("%-20s face-api: %s %.6f (logit gap %.2f to %s); max |diff| logits %.3g, probabilities %.3g"
                  % (name, conv.EXPRESSIONS[top], theirs["probabilities"][top],
                     theirs["logits"][top] - theirs["logits"][second], conv.EXPRESSIONS[second], d_logits, d_probs))
            record["top"] = conv.EXPRESSIONS[top]
            record["logits"] = theirs["logits"]
            record["probabilities"] = theirs["probabilities"]
        else:
            d = (ours - torch.tensor(theirs["descriptor"], dtype=torch.float64)).abs().max().item()
            worst["descriptor"] = max(worst["descriptor"], d)
            print("%-20s face-api: descriptor norm %.4f; max |diff| %.3g"
                  % (name, float(np.linalg.norm(theirs["descriptor"])), d))
            record["descriptor"] = theirs["descriptor"]
        records.append(record)

    reference = {
        "about": "Outputs of face-api's own nets (" + conv.PACKAGE + "@" + conv.VERSION + ", TensorFlow.js "
                 + face_api["tfjs"] + ", backend " + face_api["backend"] + ") on fixed inputs, written by "
                 "models/check_face_api.py. Inputs: the image's RGB pixels v at the net's input size, as "
                 "v / 255 - mean (the model card's mean, std 1), float32; face-api computes (v - 255 mean) / 255.",
        "package": conv.PACKAGE + "@" + conv.VERSION,
        "integrity": conv.INTEGRITY,
        "tfjs": face_api["tfjs"],
        "backend": face_api["backend"],
        "labels": conv.EXPRESSIONS,
        "cases": records,
        "maxAbsDiffTorchScript": worst,
    }
    path = os.path.join(args.models, "face-api-reference.json")
    with open(path, "w") as f:
        json.dump(reference, f, indent=1)
        f.write("\n")
    print("largest differences, TorchScript (torch %s) vs face-api: logits %.3g, probabilities %.3g, "
          "descriptors %.3g" % (torch.__version__, worst["logits"], worst["probabilities"], worst["descriptor"]))
    print("wrote", path)


if __name__ == "__main__":
    main()
