"""Writes the TorchScript models the convscope-bench tests run on, into the folder given as the argument.

patch_probe.pt: input 1 x 3 x 224 x 224 (any batch size), two classes. Class 0's logit is the mean of rows
60..109 and columns 150..199 over all channels; class 1's logit is 0. On an all-ones input, hiding exactly
that 50 x 50 patch with fill 0 drops the class-0 logit from 1 to 0, and any other window drops it by the
part of the patch it hides: drop(window) = overlap area / 2500. The right occlusion map is known by hand.

chain_probe.pt: a conv/relu/maxpool/conv chain and a linear head, input 1 x 3 x 67 x 67, four classes.
block_probe.pt: a conv/relu chain, then a residual block (shaped like torchvision's BasicBlock; a custom module
whose graph the runner opens), an average pool and a linear head, input 1 x 3 x 67 x 67, four classes.
gated_probe.pt: the same with a block whose forward branches on its input (the runner runs it whole).
flagged_probe.pt: the same with a block that branches on flags it holds (the runner opens it, taking their sides). functional_probe.pt: two convolutions (the second a
user class named Conv2d that doubles its output) with functional ReLUs and a functional average pool (a scripted
function call) before a linear head,
input 1 x 3 x 67 x 67, four classes (not chain plus rest: the runner opens the whole model).
stage_probe.pt: the same with a stage of two such blocks of one type in one module (34 -> 17 -> 9), the second's last
batch norm without affine parameters.
batch_stats_probe.pt: conv, a batch norm without running statistics, ReLU, max pool and a linear head, input
1 x 3 x 16 x 16, two classes: an image's scores depend on the other images in its batch.
stack_probe.pt: a chain as VGG stacks its layers (conv/bn/relu/conv/relu/maxpool/conv/conv/relu) and a linear head,
input 1 x 3 x 67 x 67, four classes.

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
    """Shaped like torchvision's BasicBlock with a downsampling shortcut: batch norms, an in-place ReLU, a strided
    1 x 1 convolution in a Sequential, `out += identity`; its second convolution is grouped, with 'same' padding
    of an even kernel (one more after than before)."""

    def __init__(self, channels: int) -> None:
        super().__init__()
        nn = torch.nn
        self.conv1 = nn.Conv2d(channels, channels, 3, stride=2, padding=1)
        self.bn1 = nn.BatchNorm2d(channels)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(channels, channels, 2, padding="same", groups=2)
        self.bn2 = nn.BatchNorm2d(channels)
        self.downsample = nn.Sequential(nn.Conv2d(channels, channels, 1, stride=2), nn.BatchNorm2d(channels))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.bn2(self.conv2(self.relu(self.bn1(self.conv1(x)))))
        out += self.downsample(x)
        return self.relu(out)


class GatedResidual(Residual):
    """Branches on its input (always the same side here, but only running the graph can tell)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.bn2(self.conv2(self.relu(self.bn1(self.conv1(x)))))
        if bool(x.abs().sum() >= 0):
            out = out + self.downsample(x)
        return self.relu(out)


class FlaggedResidual(Residual):
    """Branches on flags it holds, as MobileNet's InvertedResidual on use_res_connect: one branch taken, one not."""

    def __init__(self, channels: int) -> None:
        super().__init__(channels)
        self.shortcut = True  # plain bool attributes: scripting keeps the branches
        self.doubled = False

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.bn2(self.conv2(self.relu(self.bn1(self.conv1(x)))))
        if self.shortcut:
            out = out + self.downsample(x)
        if self.doubled:
            out = out * 2.0
        return self.relu(out)


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


class Stage(torch.nn.Module):
    """Two residual blocks of one type in one module: their graph is shared, and the opened run records each
    call's folds on its own. The second block's last batch norm has no affine parameters."""

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.first = Residual(channels)
        self.second = Residual(channels)
        self.second.bn2 = torch.nn.BatchNorm2d(channels, affine=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.second(self.first(x))


class Conv2d(torch.nn.Module):
    """A user class named like torch.nn's that does more in its forward (it doubles the convolution)."""

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.weight = torch.nn.Parameter(torch.randn(channels, channels, 3, 3) * (2.0 / (9 * channels)) ** 0.5)
        self.bias = torch.nn.Parameter(torch.zeros(channels))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return 2.0 * torch.nn.functional.conv2d(x, self.weight, self.bias, padding=1)


class FunctionalProbe(torch.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv1 = torch.nn.Conv2d(3, 8, 5, stride=2, padding=2)
        self.conv2 = Conv2d(8)
        self.fc = torch.nn.Linear(8, 4)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = torch.relu(self.conv2(torch.relu(self.conv1(x))))
        # A scripted function, not an operator: prim::CallFunction in the graph, as MobileNetV2 has it.
        return self.fc(torch.flatten(torch.nn.functional.adaptive_avg_pool2d(x, 1), 1))


class StackProbe(torch.nn.Module):
    """Stacks as in VGG (with a batch norm first): a convolution straight after a ReLU, an in-place ReLU before a
    pool, and a convolution straight after another."""

    def __init__(self) -> None:
        super().__init__()
        nn = torch.nn
        self.features = nn.Sequential(
            nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(),  # 67 x 67
            nn.Conv2d(8, 8, 3, padding=1), nn.ReLU(inplace=True),  # 67 x 67
            nn.MaxPool2d(2),                                        # 33 x 33
            nn.Conv2d(8, 16, 3, padding=1),
            nn.Conv2d(16, 16, 3, padding=1), nn.ReLU())             # 33 x 33
        self.classifier = nn.Linear(16 * 33 * 33, 4)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(torch.flatten(self.features(x), 1))


class BatchStatsProbe(torch.nn.Module):
    """A batch norm without running statistics normalises by each batch's own, even in eval mode."""

    def __init__(self) -> None:
        super().__init__()
        nn = torch.nn
        self.features = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.BatchNorm2d(4, track_running_stats=False),
                                      nn.ReLU(), nn.MaxPool2d(2))
        self.classifier = nn.Linear(4 * 8 * 8, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(torch.flatten(self.features(x), 1))


def he_initialised(make) -> torch.nn.Module:
    torch.manual_seed(20261126)
    model = make()
    for m in model.modules():
        if isinstance(m, (torch.nn.Conv2d, torch.nn.Linear)):
            torch.nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
            torch.nn.init.normal_(m.bias, std=0.1)
        elif isinstance(m, torch.nn.BatchNorm2d):  # statistics as if trained, so that eval mode does something
            if m.track_running_stats:
                m.running_mean.normal_(0, 0.2)
                m.running_var.uniform_(0.5, 2.0)
            if m.affine:
                torch.nn.init.normal_(m.weight, 1.0, 0.1)
                torch.nn.init.normal_(m.bias, std=0.1)
    return model.eval()


def main() -> None:
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, model in (("patch_probe", PatchProbe().eval()), ("chain_probe", he_initialised(ChainProbe)),
                        ("block_probe", he_initialised(BlockProbe)),
                        ("gated_probe", he_initialised(lambda: BlockProbe(GatedResidual))),
                        ("flagged_probe", he_initialised(lambda: BlockProbe(FlaggedResidual))),
                        ("stage_probe", he_initialised(lambda: BlockProbe(Stage))),
                        ("functional_probe", he_initialised(FunctionalProbe)),
                        ("stack_probe", he_initialised(StackProbe)),
                        ("batch_stats_probe", he_initialised(BatchStatsProbe))):
        path = os.path.join(out, name + ".pt")
        torch.jit.script(model).save(path)
        print("wrote", path, "with torch", torch.__version__)


if __name__ == "__main__":
    main()
