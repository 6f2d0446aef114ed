"""Writes the TorchScript models the convscope-bench tests run on, into the folder given as the argument.

patch_probe.pt: input 1 x 3 x 224 x 224 (any batch size), two classes. Class 0's logit is the mean of rows
60..109 and columns 150..199 over all channels; class 1's logit is 0. On an all-ones input, hiding exactly
that 50 x 50 patch with fill 0 drops the class-0 logit from 1 to 0, and any other window drops it by the
part of the patch it hides: drop(window) = overlap area / 2500. The right occlusion map is known by hand.

chain_probe.pt: a conv/relu/maxpool/conv chain and a linear head, input 1 x 3 x 67 x 67, four classes.
block_probe.pt: a conv/relu chain, then a residual block (a custom module whose graph the runner opens), an
average pool and a linear head, input 1 x 3 x 67 x 67, four classes. gated_probe.pt: the same with a block whose
forward branches on a flag (control flow: the runner runs it whole). functional_probe.pt: two convolutions with
functional ReLUs and a spatial mean before a linear head, input 1 x 3 x 67 x 67, four classes (not chain plus
rest: the runner opens the whole model).

Exits 77 (CTest's skip code here) when this Python has no torch.
"""
import os
import sys

try:
    import torch
except ImportError:
    print("skipped: this Python has no torch (Debian: apt-get install python3-torch)")
    sys.exit(77)


class PatchProbe(torch.nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        patch = x[:, :, 60:110, 150:200]
        hit = patch.mean(dim=(1, 2, 3))
        return torch.stack([hit, torch.zeros_like(hit)], dim=1)


class ChainProbe(torch.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        nn = torch.nn
        self.features = nn.Sequential(
            nn.Conv2d(3, 8, 5, stride=2, padding=2), nn.ReLU(inplace=True),  # 34 x 34
            nn.MaxPool2d(3, stride=2, padding=1),                             # 17 x 17
            nn.Conv2d(8, 16, 3, padding=1), nn.ReLU())                        # 17 x 17
        self.classifier = nn.Linear(16 * 17 * 17, 4)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(torch.flatten(self.features(x), 1))


class Residual(torch.nn.Module):
    def __init__(self, channels: int) -> None:
        super().__init__()
        self.conv1 = torch.nn.Conv2d(channels, channels, 3, padding=1)
        self.conv2 = torch.nn.Conv2d(channels, channels, 3, padding=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.relu(x + self.conv2(torch.relu(self.conv1(x))))


class GatedResidual(Residual):
    def __init__(self, channels: int) -> None:
        super().__init__(channels)
        self.shortcut = True  # a plain bool attribute: scripting keeps the branch

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.conv2(torch.relu(self.conv1(x)))
        if self.shortcut:
            out = out + x
        return torch.relu(out)


class BlockProbe(torch.nn.Module):
    def __init__(self, block: type = Residual) -> None:
        super().__init__()
        nn = torch.nn
        self.features = nn.Sequential(nn.Conv2d(3, 8, 5, stride=2, padding=2), nn.ReLU())  # 34 x 34
        self.block = block(8)
        self.pool = nn.AdaptiveAvgPool2d(4)
        self.classifier = nn.Linear(8 * 4 * 4, 4)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(torch.flatten(self.pool(self.block(self.features(x))), 1))


class FunctionalProbe(torch.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv1 = torch.nn.Conv2d(3, 8, 5, stride=2, padding=2)
        self.conv2 = torch.nn.Conv2d(8, 8, 3, padding=1)
        self.fc = torch.nn.Linear(8, 4)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = torch.relu(self.conv2(torch.relu(self.conv1(x))))
        return self.fc(x.mean(dim=(2, 3)))


def he_initialised(make) -> torch.nn.Module:
    torch.manual_seed(20261126)
    model = make()
    for m in model.modules():
        if isinstance(m, (torch.nn.Conv2d, torch.nn.Linear)):
            torch.nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
            torch.nn.init.normal_(m.bias, std=0.1)
    return model.eval()


def main() -> None:
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, model in (("patch_probe", PatchProbe().eval()), ("chain_probe", he_initialised(ChainProbe)),
                        ("block_probe", he_initialised(BlockProbe)),
                        ("gated_probe", he_initialised(lambda: BlockProbe(GatedResidual))),
                        ("functional_probe", he_initialised(FunctionalProbe))):
        path = os.path.join(out, name + ".pt")
        torch.jit.script(model).save(path)
        print("wrote", path, "with torch", torch.__version__)


if __name__ == "__main__":
    main()
