#!/usr/bin/python3
"""Write TorchScript ports of the Captum test models used by the occlusion cases.

    /usr/bin/python3 models/make_captum_models.py OUT_DIR

Every model takes one 4-D float tensor (N x C x H x W) and returns N x K scores.
The Captum models carry exactly the hand-set weights of Captum's test helpers
(tests/helpers/basic_models.py in pytorch/captum); they are re-typed here, not
imported (Captum is not installed). The cases that use them live in
java/src/test/resources/captum/occlusion_cases.json (see
models/captum_occlusion_reference.py, which also regenerates that file).

Files:
    captum_BasicModel_ConvNet_One_Conv.pt
        Captum's BasicModel_ConvNet_One_Conv with its optional second input dropped:
        conv 1->2 (3x3, weights 1, bias [-50, -75]) -> relu -> view(N, 8)
        -> linear 8->4 (weights [1,1,1,1,1,-1,-1,-1] per row, bias 0) -> relu.
        Input N x 1 x 4 x 4, output N x 4.
    captum_BasicModel_ConvNet_One_Conv_x1arange.pt
        The same network with its FIRST input bound to the constant
        arange(16).view(1, 1, 4, 4): forward(y) = net(arange16 + y). This is the
        function Captum occludes when it attributes the second input of
        test_simple_multi_input_conv (the first input stays fixed meanwhile).
    captum_BasicModel_MultiLayer.pt
        Captum's BasicModel_MultiLayer (identity 3->3, linear 3->4 of ones with
        bias [-10, 1, 1, 1], relu, linear 4->2 of ones with bias [-1, 1]) behind a
        4-D adapter: input N x 1 x 1 x 3 is reshaped to N x 3. Output N x 2.
    captum_TwoConv.pt
        convscope's own check model (not from Captum): conv 3->4 3x3 pad 1, relu,
        conv 4->5 3x3 stride 2, relu, flatten, linear -> 3. Weights come from a
        fixed numpy RandomState (seed 1), so reruns give bit-identical weights.
        Input N x 3 x 10 x 12, output N x 3.
"""

import os
import sys

import numpy as np
import torch
import torch.nn as nn


class ConvNetOneConv(nn.Module):
    """Captum BasicModel_ConvNet_One_Conv, single input."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 2, 3, 1)
        self.relu1 = nn.ReLU()
        self.fc1 = nn.Linear(8, 4)
        self.relu2 = nn.ReLU()
        with torch.no_grad():
            self.conv1.weight.copy_(torch.ones(2, 1, 3, 3))
            self.conv1.bias.copy_(torch.tensor([-50.0, -75.0]))
            self.fc1.weight.copy_(torch.cat([torch.ones(4, 5), -torch.ones(4, 3)], dim=1))
            self.fc1.bias.copy_(torch.zeros(4))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.relu1(self.conv1(x))
        h = h.reshape(-1, 8)
        return self.relu2(self.fc1(h))


class ConvNetOneConvFirstInputBound(nn.Module):
    """forward(y) = ConvNetOneConv(arange(16).view(1,1,4,4) + y)."""

    def __init__(self):
        super().__init__()
        self.net = ConvNetOneConv()
        self.register_buffer("x1", torch.arange(16, dtype=torch.float32).reshape(1, 1, 4, 4))

    def forward(self, y: torch.Tensor) -> torch.Tensor:
        return self.net(self.x1 + y)


class MultiLayer4d(nn.Module):
    """Captum BasicModel_MultiLayer (default flags) behind an N x 1 x 1 x 3 input."""

    def __init__(self):
        super().__init__()
        self.linear0 = nn.Linear(3, 3)
        self.linear1 = nn.Linear(3, 4)
        self.relu = nn.ReLU()
        self.linear2 = nn.Linear(4, 2)
        with torch.no_grad():
            self.linear0.weight.copy_(torch.eye(3))
            self.linear0.bias.copy_(torch.zeros(3))
            self.linear1.weight.copy_(torch.ones(4, 3))
            self.linear1.bias.copy_(torch.tensor([-10.0, 1.0, 1.0, 1.0]))
            self.linear2.weight.copy_(torch.ones(2, 4))
            self.linear2.bias.copy_(torch.tensor([-1.0, 1.0]))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        v = x.reshape(x.shape[0], 3)
        return self.linear2(self.relu(self.linear1(self.linear0(v))))


TWO_CONV_SEED = 1


class TwoConv(nn.Module):
    """convscope's own reference model (3 x 10 x 12 input, 3 scores)."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 4, 3, padding=1)
        self.relu1 = nn.ReLU()
        self.conv2 = nn.Conv2d(4, 5, 3, stride=2)
        self.relu2 = nn.ReLU()
        # conv2 output: 5 x 4 x 5 for a 10 x 12 input
        self.fc = nn.Linear(5 * 4 * 5, 3)
        # Mostly positive weights (uniform in [-0.2, 1) / sqrt(fan_in)): with inputs
        # in [0, 1) every window moves the score by a clear margin, so float32
        # rounding stays far below the 1e-4 relative tolerance of the checks.
        rng = np.random.RandomState(TWO_CONV_SEED)
        with torch.no_grad():
            for p in (self.conv1.weight, self.conv1.bias, self.conv2.weight, self.conv2.bias,
                      self.fc.weight, self.fc.bias):
                scale = 1.0 / np.sqrt(p[0].numel()) if p.dim() > 1 else 0.1
                vals = rng.uniform(-0.2, 1.0, size=tuple(p.shape)) * scale
                p.copy_(torch.from_numpy(vals.astype(np.float32)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.relu1(self.conv1(x))
        h = self.relu2(self.conv2(h))
        return self.fc(h.reshape(h.shape[0], -1))


MODELS = {
    "captum_BasicModel_ConvNet_One_Conv.pt": ConvNetOneConv,
    "captum_BasicModel_ConvNet_One_Conv_x1arange.pt": ConvNetOneConvFirstInputBound,
    "captum_BasicModel_MultiLayer.pt": MultiLayer4d,
    "captum_TwoConv.pt": TwoConv,
}


def build(name: str) -> torch.jit.ScriptModule:
    module = MODELS[name]().eval()
    for p in module.parameters():
        p.requires_grad_(False)
    return torch.jit.script(module)


def main(argv):
    if len(argv) != 2:
        sys.stderr.write("usage: make_captum_models.py OUT_DIR\n")
        return 2
    out_dir = argv[1]
    os.makedirs(out_dir, exist_ok=True)
    torch.manual_seed(0)
    for name in MODELS:
        build(name).save(os.path.join(out_dir, name))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
