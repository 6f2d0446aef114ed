package io.convscope.nativebridge;

import org.bytedeco.pytorch.global.torch;

/** Loads LibTorch the plain JavaCPP way, without {@link TorchRuntime}: the control of {@link FreshCacheTest}. */
public final class LoadTorchDirectly {
    private LoadTorchDirectly() {
    }

    public static void main(String[] args) {
        System.out.println("sum " + torch.ones(2, 3).sum().item_float());
    }
}
