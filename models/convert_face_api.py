#!/usr/bin/python3
"""Rebuild face-api's face expression and face recognition nets as TorchScript models for convscope.

    /usr/bin/python3 models/convert_face_api.py [--out DIR] [--package TGZ]

Fetches @vladmandic/face-api 1.7.15 with `npm pack` (or takes the tarball given with --package), checks it
against the integrity hash the npm registry publishes for that version, reads the uint8-quantized
TensorFlow.js weights of two nets from it, and writes into DIR (default: models/builtin beside this script):

    expression.pt        + expression.json         7 facial expressions from a 112x112 face crop (float32)
    face-recognition.pt  + face-recognition.json   128-d face descriptor from a 150x150 face crop

Only torch and numpy are needed (Debian's python3-torch and python3-numpy); npm is needed without --package.
The architectures follow face-api's own sources (src/faceFeatureExtractor/denseBlock.ts,
src/faceExpressionNet, src/faceRecognitionNet/*.ts in the tarball); models/check_face_api.py compares the
results with face-api itself running under TensorFlow.js.
"""

import argparse
import base64
import collections
import hashlib
import json
import os
import subprocess
import sys
import tarfile
import tempfile
from typing import Tuple

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

PACKAGE = "@vladmandic/face-api"
VERSION = "1.7.15"
# What `npm view @vladmandic/face-api@1.7.15 dist.integrity` reports: the sha512 of the tarball itself.
INTEGRITY = "sha512-WDMmK3CfNLo8jylWqMoQgf4nIst3M0fzx1dnac96wv/dvMTN4DxC/Pq1DGtduDk1lktCamQ3MIDXFnvrdHTXDw=="

# face-api subtracts this mean (on the 0..255 scale) and divides by 255; the cards state the same with
# pixels in [0, 1] and std 1, so convscope normalises images exactly as face-api does.
MEAN_RGB = (122.782, 117.001, 104.298)
EXPRESSIONS = ["neutral", "happy", "sad", "angry", "fearful", "disgusted", "surprised"]
SOURCE = ("npm " + PACKAGE + "@" + VERSION + " (MIT licence), weights from face-api.js-models by "
          "justadudewhohacks")

HERE = os.path.dirname(os.path.abspath(__file__))


# ---------------------------------------------------------------------------------------------------------
# Fetching and reading the package
# ---------------------------------------------------------------------------------------------------------

def fetch_package(folder):
    """`npm pack` downloads the published tarball without installing anything; returns its path."""
    spec = PACKAGE + "@" + VERSION
    try:
        out = subprocess.run(["npm", "pack", spec, "--json", "--pack-destination", folder], check=True,
                             capture_output=True, text=True).stdout
    except FileNotFoundError:
        sys.exit("convert_face_api: npm is not installed; download the tarball elsewhere and pass --package")
    except subprocess.CalledProcessError as e:
        sys.exit("convert_face_api: npm pack " + spec + " failed:\n" + e.stderr.strip())
    info = json.loads(out)[0]
    if info.get("integrity") != INTEGRITY:
        sys.exit("convert_face_api: npm reports integrity " + str(info.get("integrity")) + " for " + spec
                 + ", expected " + INTEGRITY)
    return os.path.join(folder, info["filename"])


def check_integrity(tarball):
    """The tarball's own sha512 must be the pinned one: npm's report alone would trust the registry."""
    digest = hashlib.sha512()
    with open(tarball, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    actual = "sha512-" + base64.b64encode(digest.digest()).decode("ascii")
    if actual != INTEGRITY:
        sys.exit("convert_face_api: " + tarball + " has integrity " + actual + ", expected " + INTEGRITY
                 + " (" + PACKAGE + "@" + VERSION + "); refusing to convert it")


Weight = collections.namedtuple("Weight", "values quantized")  # float32 array; (uint8 array, min, scale) or None


def read_weights(tar, model):
    """Every tensor of package/model/<model>.bin, by manifest name, dequantized as TensorFlow.js does."""
    manifest = json.load(tar.extractfile("package/model/" + model + "-weights_manifest.json"))
    weights = collections.OrderedDict()
    for group in manifest:
        data = b"".join(tar.extractfile("package/model/" + p).read() for p in group["paths"])
        offset = 0
        for spec in group["weights"]:
            shape = tuple(spec["shape"])
            count = int(np.prod(shape)) if shape else 1
            quant = spec.get("quantization")
            if spec["dtype"] != "float32":
                sys.exit("convert_face_api: " + spec["name"] + " has dtype " + spec["dtype"] + "; only float32 "
                         "weights are expected")
            if quant is None:
                values = np.frombuffer(data, "<f4", count, offset).reshape(shape).copy()
                weights[spec["name"]] = Weight(values, None)
                offset += 4 * count
            else:
                if quant["dtype"] != "uint8":
                    sys.exit("convert_face_api: " + spec["name"] + " is quantized as " + quant["dtype"]
                             + "; only uint8 is expected")
                q = np.frombuffer(data, np.uint8, count, offset).reshape(shape).copy()
                weights[spec["name"]] = Weight(dequantize(q, quant["min"], quant["scale"]),
                                               (q, quant["min"], quant["scale"]))
                offset += count
        if offset != len(data):
            sys.exit("convert_face_api: " + model + ": the manifest accounts for " + str(offset) + " of "
                     + str(len(data)) + " bytes")
    return weights


def dequantize(q, qmin, scale):
    """TensorFlow.js computes q * scale + min in double precision and stores the result as float32."""
    return (q.astype(np.float64) * scale + qmin).astype(np.float32)


# ---------------------------------------------------------------------------------------------------------
# Layouts: TensorFlow keeps filters as [kh, kw, in, out], PyTorch as [out, in, kh, kw]
# ---------------------------------------------------------------------------------------------------------

def conv_layout(a):
    return np.ascontiguousarray(a.transpose(3, 2, 0, 1))


def depthwise_layout(a):
    # [kh, kw, channels, 1] -> [channels, 1, kh, kw]: one filter per group
    return np.ascontiguousarray(a.transpose(2, 3, 0, 1))


def dense_layout(a):
    # tf.matMul(x, W) with W [in, out]; nn.Linear keeps [out, in]
    return np.ascontiguousarray(a.T)


def set_param(param, values):
    if tuple(param.shape) != values.shape:
        raise ValueError("shape " + str(values.shape) + " does not fit parameter " + str(tuple(param.shape)))
    with torch.no_grad():
        param.copy_(torch.from_numpy(values))


# ---------------------------------------------------------------------------------------------------------
# Face expression net (face-api's FaceFeatureExtractor + FaceExpressionNet)
# ---------------------------------------------------------------------------------------------------------

def tf_same_pad_stride2():
    """TensorFlow's 'same' padding of a 3x3 stride-2 window on an even size pads one row and column, at the
    bottom and right only; Conv2d pads both sides equally, so the zeros come from a module of their own."""
    return nn.ZeroPad2d((0, 1, 0, 1))


def separable(cin, cout, stride):
    """tf.separableConv2d: a 3x3 depthwise conv without bias, then a 1x1 conv, then the bias."""
    layers = collections.OrderedDict()
    if stride == 2:
        layers["pad"] = tf_same_pad_stride2()
    layers["depthwise"] = nn.Conv2d(cin, cin, 3, stride, 0 if stride == 2 else 1, groups=cin, bias=False)
    layers["pointwise"] = nn.Conv2d(cin, cout, 1)
    return nn.Sequential(layers)


class DenseBlock(nn.Module):
    """face-api's denseBlock4: four convolutions, each later one fed the running sum of the earlier outputs.

    Children are registered in the order a chain through the block runs (conv0, relu, conv1, conv2, conv3),
    so that tools that walk modules in registration order see the block's longest path."""

    def __init__(self, cin, cout, first):
        super().__init__()
        if first:
            self.conv0 = nn.Sequential(collections.OrderedDict(
                [("pad", tf_same_pad_stride2()), ("conv", nn.Conv2d(cin, cout, 3, 2))]))
        else:
            self.conv0 = separable(cin, cout, 2)
        self.relu = nn.ReLU()
        self.conv1 = separable(cout, cout, 1)
        self.conv2 = separable(cout, cout, 1)
        self.conv3 = separable(cout, cout, 1)

    def forward(self, x):
        # The sums are grouped as face-api groups them, so that rounding agrees too.
        out1 = self.relu(self.conv0(x))
        out2 = self.conv1(out1)
        out3 = self.conv2(self.relu(out1 + out2))
        out4 = self.conv3(self.relu(out1 + (out2 + out3)))
        return self.relu(out1 + (out2 + (out3 + out4)))

    def load(self, w, prefix, first):
        if first:
            set_param(self.conv0.conv.weight, conv_layout(w[prefix + "/conv0/filters"].values))
            set_param(self.conv0.conv.bias, w[prefix + "/conv0/bias"].values)
        else:
            load_separable(self.conv0, w, prefix + "/conv0")
        for i, conv in ((1, self.conv1), (2, self.conv2), (3, self.conv3)):
            load_separable(conv, w, prefix + "/conv" + str(i))


def load_separable(seq, w, prefix):
    set_param(seq.depthwise.weight, depthwise_layout(w[prefix + "/depthwise_filter"].values))
    set_param(seq.pointwise.weight, conv_layout(w[prefix + "/pointwise_filter"].values))
    set_param(seq.pointwise.bias, w[prefix + "/bias"].values)


class ExpressionNet(nn.Module):
    """Input 1x3x112x112, pixels in [0, 1] minus the mean RGB (the card's mean, std 1); output 7 logits
    (face-api applies a softmax on top)."""

    def __init__(self):
        super().__init__()
        self.dense0 = DenseBlock(3, 32, True)      # 112 -> 56
        self.dense1 = DenseBlock(32, 64, False)    # -> 28
        self.dense2 = DenseBlock(64, 128, False)   # -> 14
        self.dense3 = DenseBlock(128, 256, False)  # -> 7
        self.pool = nn.AvgPool2d(7, 2)             # tf.avgPool(out, [7, 7], [2, 2], 'valid'): 7 -> 1
        self.flatten = nn.Flatten()
        self.fc = nn.Linear(256, len(EXPRESSIONS))

    def forward(self, x):
        x = self.dense0(x)
        x = self.dense1(x)
        x = self.dense2(x)
        x = self.dense3(x)
        return self.fc(self.flatten(self.pool(x)))


def build_expression(w):
    net = ExpressionNet()
    for i in range(4):
        getattr(net, "dense" + str(i)).load(w, "dense" + str(i), i == 0)
    set_param(net.fc.weight, dense_layout(w["fc/weights"].values))
    set_param(net.fc.bias, w["fc/bias"].values)
    return net.eval()


# ---------------------------------------------------------------------------------------------------------
# Face recognition net (face-api's FaceRecognitionNet, a port of dlib's ResNet)
# ---------------------------------------------------------------------------------------------------------

# Its weights are uint8 in the package. Storing them as such, with the manifest's min and scale, and
# dequantizing when the file is loaded keeps the file at about a quarter of float32 while the weights in
# memory are bit for bit the float32 ones (the same double-precision q * scale + min, rounded once).
# TorchScript calls __setstate__ when it loads a module that has one (torch's quantized modules rely on it);
# the classes keep the names Conv2d and Linear because convscope recognises layers by type name, and they
# are nn.Conv2d / nn.Linear in every other respect: their weight is a float32 parameter once loaded.

class Conv2d(nn.Conv2d):
    """nn.Conv2d (with bias) whose weight is stored in the file as uint8 + (min, scale)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # One TorchScript type for this attribute whatever the padding, so __setstate__ can rebuild it.
        self._reversed_padding_repeated_twice = list(self._reversed_padding_repeated_twice)
        self.register_buffer("weight_q", torch.zeros(0, dtype=torch.uint8), persistent=False)
        self.weight_min = 0.0
        self.weight_scale = 1.0

    def quantized_from(self, q, qmin, scale):
        self.weight_q = torch.from_numpy(conv_layout(q))
        self.weight_min = float(qmin)
        self.weight_scale = float(scale)
        with torch.no_grad():
            self.weight.copy_(dequantize_torch(self.weight_q, self.weight_min, self.weight_scale))

    @torch.jit.export
    def __getstate__(self):
        # A weight the package ships as float32 (a few of the recognition net's) is stored as it is.
        plain = self.weight if self.weight_q.numel() == 0 else torch.zeros(0)
        return (self.weight_q, self.weight_min, self.weight_scale, plain, self.bias, self.training)

    @torch.jit.export
    def __setstate__(self, state: Tuple[torch.Tensor, float, float, torch.Tensor, torch.Tensor, bool]):
        if state[0].numel() > 0:
            self.weight = dequantize_torch(state[0], state[1], state[2])
        else:
            self.weight = state[3]
        self.weight_q = torch.zeros(0, dtype=torch.uint8)  # not needed once the weight is made
        self.weight_min = state[1]
        self.weight_scale = state[2]
        self.bias = state[4]
        self.training = state[5]
        # Attributes nn.Conv2d's TorchScript type holds besides its constants.
        self.transposed = False
        self._reversed_padding_repeated_twice = [self.padding[1], self.padding[1], self.padding[0],
                                                 self.padding[0]]


class Linear(nn.Linear):
    """nn.Linear without bias whose weight is stored in the file as uint8 + (min, scale)."""

    def __init__(self, in_features, out_features):
        super().__init__(in_features, out_features, bias=False)
        self.register_buffer("weight_q", torch.zeros(0, dtype=torch.uint8), persistent=False)
        self.weight_min = 0.0
        self.weight_scale = 1.0

    def quantized_from(self, q, qmin, scale):
        self.weight_q = torch.from_numpy(dense_layout(q))
        self.weight_min = float(qmin)
        self.weight_scale = float(scale)
        with torch.no_grad():
            self.weight.copy_(dequantize_torch(self.weight_q, self.weight_min, self.weight_scale))

    @torch.jit.export
    def __getstate__(self):
        # A weight the package ships as float32 (a few of the recognition net's) is stored as it is.
        plain = self.weight if self.weight_q.numel() == 0 else torch.zeros(0)
        return (self.weight_q, self.weight_min, self.weight_scale, plain, self.training)

    @torch.jit.export
    def __setstate__(self, state: Tuple[torch.Tensor, float, float, torch.Tensor, bool]):
        if state[0].numel() > 0:
            self.weight = dequantize_torch(state[0], state[1], state[2])
        else:
            self.weight = state[3]
        self.weight_q = torch.zeros(0, dtype=torch.uint8)
        self.weight_min = state[1]
        self.weight_scale = state[2]
        self.training = state[4]


@torch.jit.script
def dequantize_torch(q: torch.Tensor, qmin: float, scale: float) -> torch.Tensor:
    # Multiply, then add, in double, then round to float32: what TensorFlow.js does per element.
    return (q.to(torch.float64) * scale + qmin).to(torch.float32)


def scale_layer(channels):
    """face-api's scale layer, x * weights + biases per channel. An eval-mode BatchNorm2d with mean 0,
    variance 1 and eps 0 computes exactly that, and convscope knows it as a per-pixel layer (receptive
    fields, occlusion chains), which a module of our own would not be."""
    bn = nn.BatchNorm2d(channels, eps=0.0)
    return bn


def load_scale(bn, weights, biases):
    set_param(bn.weight, weights)
    set_param(bn.bias, biases)
    with torch.no_grad():
        bn.running_mean.zero_()
        bn.running_var.fill_(1.0)


class ResidualBlock(nn.Module):
    """face-api's residual / residualDown: conv-scale-ReLU, conv-scale, plus the shortcut, ReLU.

    The down-sampling block's first conv has stride 2 and no padding; its shortcut is a 2x2 average pool
    with zero channels appended. Where the pool's size is larger than the conv branch's (8 -> 3 vs 4,
    4 -> 1 vs 2 at 150x150 input), face-api appends a zero row and column to the conv branch, at the bottom
    and right. The shortcut is computed in forward rather than by a pool module: tools that run a block's
    children one after another on each other's output would feed such a module the wrong tensor."""

    down: bool

    def __init__(self, cin, cout, down):
        super().__init__()
        self.down = down
        self.conv1 = Conv2d(cin, cout, 3, 2 if down else 1, 0 if down else 1)
        self.scale1 = scale_layer(cout)
        self.relu1 = nn.ReLU()
        self.conv2 = Conv2d(cout, cout, 3, 1, 1)
        self.scale2 = scale_layer(cout)
        self.relu2 = nn.ReLU()

    def forward(self, x):
        out = self.scale2(self.conv2(self.relu1(self.scale1(self.conv1(x)))))
        if self.down:
            shortcut = F.avg_pool2d(x, 2, 2)
            if out.shape[2] != shortcut.shape[2] or out.shape[3] != shortcut.shape[3]:
                out = F.pad(out, (0, 1, 0, 1))
            if shortcut.shape[1] != out.shape[1]:
                shortcut = torch.cat([shortcut, torch.zeros_like(shortcut)], 1)
            out = shortcut + out
        else:
            out = out + x
        return self.relu2(out)

    def load(self, w, prefix):
        load_conv_unit(self.conv1, self.scale1, w, prefix + "/conv1")
        load_conv_unit(self.conv2, self.scale2, w, prefix + "/conv2")


def load_conv_unit(conv, bn, w, prefix):
    filters = w[prefix + "/conv/filters"]
    if filters.quantized is None:
        set_param(conv.weight, conv_layout(filters.values))
    else:
        conv.quantized_from(*filters.quantized)
    if not torch.equal(conv.weight, torch.from_numpy(conv_layout(filters.values))):
        sys.exit("convert_face_api: dequantizing " + prefix + " in torch does not give TensorFlow.js's values")
    set_param(conv.bias, w[prefix + "/conv/bias"].values)
    load_scale(bn, w[prefix + "/scale/weights"].values, w[prefix + "/scale/biases"].values)


RESIDUAL_BLOCKS = [  # (name in the manifest, in, out, down-sampling)
    ("conv32_1", 32, 32, False), ("conv32_2", 32, 32, False), ("conv32_3", 32, 32, False),
    ("conv64_down", 32, 64, True), ("conv64_1", 64, 64, False), ("conv64_2", 64, 64, False),
    ("conv64_3", 64, 64, False),
    ("conv128_down", 64, 128, True), ("conv128_1", 128, 128, False), ("conv128_2", 128, 128, False),
    ("conv256_down", 128, 256, True), ("conv256_1", 256, 256, False), ("conv256_2", 256, 256, False),
    ("conv256_down_out", 256, 256, True),
]


class RecognitionNet(nn.Module):
    """Input 1x3x150x150, pixels in [0, 1] minus the mean RGB (the card's mean, std 1); output the 128-d
    face descriptor (not L2-normalised; face-api compares descriptors by Euclidean distance, 0.6 = same)."""

    def __init__(self):
        super().__init__()
        self.conv = Conv2d(3, 32, 7, 2)   # convDown: 'valid', 150 -> 72
        self.scale = scale_layer(32)
        self.relu = nn.ReLU()
        self.pool = nn.MaxPool2d(3, 2)    # tf.maxPool(out, 3, 2, 'valid'): 72 -> 35
        for name, cin, cout, down in RESIDUAL_BLOCKS:
            self.add_module(name, ResidualBlock(cin, cout, down))
        self.avgpool = nn.AdaptiveAvgPool2d(1)  # out.mean([1, 2])
        self.flatten = nn.Flatten()
        self.fc = Linear(256, 128)

    def forward(self, x):
        x = self.pool(self.relu(self.scale(self.conv(x))))
        x = self.conv32_1(x)
        x = self.conv32_2(x)
        x = self.conv32_3(x)
        x = self.conv64_down(x)
        x = self.conv64_1(x)
        x = self.conv64_2(x)
        x = self.conv64_3(x)
        x = self.conv128_down(x)
        x = self.conv128_1(x)
        x = self.conv128_2(x)
        x = self.conv256_down(x)
        x = self.conv256_1(x)
        x = self.conv256_2(x)
        x = self.conv256_down_out(x)
        return self.fc(self.flatten(self.avgpool(x)))


def build_recognition(w):
    net = RecognitionNet()
    load_conv_unit(net.conv, net.scale, w, "conv32_down")
    for name, _, _, _ in RESIDUAL_BLOCKS:
        getattr(net, name).load(w, name)
    net.fc.quantized_from(*w["fc"].quantized)
    return net.eval()


def float32_twin(net):
    """The same net with every weight a plain float32 parameter: what the stored file must reproduce."""
    twin = RecognitionNet().eval()
    twin.load_state_dict(net.state_dict())
    return twin


# ---------------------------------------------------------------------------------------------------------
# Cards and saving
# ---------------------------------------------------------------------------------------------------------

def exact_float32(x):
    """The float32 nearest x, written as the double it is: Java parses it back to that same float."""
    return float(np.float32(x))


def card(name, size, description, labels, output, score):
    """score: the occlusion score convscope uses by default (see the README's "Occlusion maps"): the logit for
    the expression net, whose softmax saturates on a clear face, the cosine similarity for the descriptor."""
    return collections.OrderedDict([
        ("name", name),
        ("description", description),
        ("input", collections.OrderedDict([("channels", 3), ("height", size), ("width", size)])),
        ("resize", size),
        ("crop", size),
        ("mean", [exact_float32(m / 255.0) for m in MEAN_RGB]),
        ("std", [1.0, 1.0, 1.0]),
        ("labels", labels),
        ("output", output),
        ("score", score),
        ("source", SOURCE),
    ])


def save(net, out_dir, name, card_json, check_input):
    scripted = torch.jit.script(net)
    path = os.path.join(out_dir, name + ".pt")
    scripted.save(path)
    with open(os.path.join(out_dir, name + ".json"), "w") as f:
        json.dump(card_json, f, indent=2)
        f.write("\n")
    loaded = torch.jit.load(path)
    with torch.no_grad():
        diff = (loaded(check_input) - net(check_input)).abs().max().item()
    return path, loaded, diff


def synthetic(size):
    """The fixed test pattern also used by the check script and the Java test: value (x*7 + y*13 + c*29) mod 256
    at row y, column x, channel c (RGB), as the card normalises it."""
    y, x, c = np.meshgrid(np.arange(size), np.arange(size), np.arange(3), indexing="ij")
    pixels = ((x * 7 + y * 13 + c * 29) % 256).astype(np.uint8)
    return pixels


def normalised(pixels):
    """An HxWx3 uint8 RGB image as convscope's ImageLoader prepares it with these cards, in float32 steps:
    (v / 255 - mean) / 1."""
    mean = np.array([np.float32(m / 255.0) for m in MEAN_RGB], np.float32)
    t = (pixels.astype(np.float32) / np.float32(255) - mean) / np.float32(1)
    return torch.from_numpy(np.ascontiguousarray(t.transpose(2, 0, 1))[None])


def main():
    if os.environ.get("PYTHONHASHSEED") != "0":
        # TorchScript writes a module's constants in set order, which follows Python's per-run string hashing;
        # a fixed seed makes the .pt files byte for byte the same on every run.
        os.environ["PYTHONHASHSEED"] = "0"
        os.execv(sys.executable, [sys.executable] + sys.argv)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=os.path.join(HERE, "builtin"), help="output folder (default models/builtin)")
    parser.add_argument("--package", help="an already downloaded " + PACKAGE + "-" + VERSION + " tarball")
    args = parser.parse_args()
    torch.manual_seed(0)
    os.makedirs(args.out, exist_ok=True)

    with tempfile.TemporaryDirectory() as tmp:
        tarball = args.package or fetch_package(tmp)
        check_integrity(tarball)
        with tarfile.open(tarball, "r:gz") as tar:
            expression_w = read_weights(tar, "face_expression_model")
            recognition_w = read_weights(tar, "face_recognition_model")

    expression = build_expression(expression_w)
    path, _, diff = save(expression, args.out, "expression", card(
        "expression",
        112,
        "face-api's face expression net: 7 facial expressions from a tight 112x112 face crop "
        "(four dense blocks of depthwise-separable convolutions; output logits, softmax gives face-api's "
        "probabilities)",
        EXPRESSIONS, "logits", "logit"), normalised(synthetic(112)))
    params = sum(p.numel() for p in expression.parameters())
    print("%s: %d parameters, %d bytes, reloaded max |diff| %.3g" % (path, params, os.path.getsize(path), diff))

    recognition = build_recognition(recognition_w)
    twin = float32_twin(recognition)
    path, loaded, diff = save(recognition, args.out, "face-recognition", card(
        "face-recognition",
        150,
        "face-api's face recognition net (a port of dlib's ResNet-34-like face descriptor): 128-d descriptor "
        "of a 150x150 face crop; faces of one person lie within Euclidean distance 0.6",
        [], "128-d descriptor", "similarity"), normalised(synthetic(150)))
    # The stored file must give the float32 net's weights exactly, and hence its outputs.
    for (n, a), (m, b) in zip(loaded.named_parameters(), twin.named_parameters()):
        if n != m or a.dtype != torch.float32 or not torch.equal(a, b):
            sys.exit("convert_face_api: parameter " + n + " of the saved recognition net is not the float32 one")
    with torch.no_grad():
        x = normalised(synthetic(150))
        twin_diff = (loaded(x) - twin(x)).abs().max().item()
    params = sum(p.numel() for p in recognition.parameters())
    print("%s: %d parameters, %d bytes, reloaded max |diff| %.3g, vs float32 twin %.3g"
          % (path, params, os.path.getsize(path), diff, twin_diff))


if __name__ == "__main__":
    main()
