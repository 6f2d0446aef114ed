package io.convscope.occlusion;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

/** Java arrays copied into tensors that own their memory, on a device. */
final class DeviceTensors {
    private DeviceTensors() {
    }

    static Tensor floats(float[] values, long[] shape, Device device) {
        // from_blob borrows Java-owned memory; clone so the tensor owns its data, then move it once.
        Tensor host = torch.from_blob(new FloatPointer(values), shape).clone();
        return device.is_cpu() ? host : host.to(device, torch.ScalarType.Float);
    }

    /** Kept by the caller while kernels read the tensor's memory. */
    static Tensor ints(int[] values, Device device) {
        Tensor host = torch.from_blob(new IntPointer(values), new long[] {values.length},
                new TensorOptions(torch.ScalarType.Int)).clone();
        return device.is_cpu() ? host : host.to(device, torch.ScalarType.Int);
    }
}
