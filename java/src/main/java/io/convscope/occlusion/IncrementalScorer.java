package io.convscope.occlusion;

import java.util.List;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

import io.convscope.ConvscopeException;
import io.convscope.model.LeadingChain;
import io.convscope.model.LeadingChain.Link;
import io.convscope.model.LeadingChain.LinkKind;
import io.convscope.nativebridge.IncrementalKernels;
import io.convscope.nativebridge.OcclusionKernels;

/**
 * The exact incremental engine (Krypton, SIGMOD 2019). The model's leading chain of convolutions, pools and
 * point-wise modules ({@link LeadingChain}) is run once on the unoccluded input; then each window carries, layer
 * by layer, only the patch of the activation that its window can change. A layer's patch is computed from the
 * region of the layer's base input that it reads (gathered from the base input padded once with the layer's
 * padding value: zeros, or -infinity for max-pooling), with the incoming patch pasted in, by the layer's own
 * operation with padding 0. Once a patch would cover more than a set fraction of its layer, the windows
 * switch to full tensors (the base input of that layer with the patch pasted in) and the rest of the model runs
 * as usual. The sizes, positions and that fraction come from {@code cs_plan_incremental} and
 * {@code cs_incremental_full_fraction}, which the C++ runner uses too.
 *
 * <p>It runs on a {@link ChainDecomposition}, proved on the unoccluded input; each patch layer's padded,
 * padding-0 form must reproduce the module's output too. A model that allows neither is left to the full engine.
 */
final class IncrementalScorer extends ChainScorer {
    private final Tensor[] weights;
    private final Tensor[] biases;
    private final int incremental;
    private final int windowCount;
    private final PatchKernels kernels;
    private final Tensor[] paddedBases;
    private final Tensor[] regionBuffers;
    private final Tensor switchBase;
    private final Tensor fullBuffer;
    private final Tensor placesTensor;
    private final Tensor switchPlacesTensor;
    private final IntPointer places;
    private final IntPointer switchPlaces;
    private final Tensor fill;
    private final long chainFullMacs;
    private final long chainPlannedMacs;
    private final String description;

    private IncrementalScorer(Builder b) {
        super(b.chain, b.batch, b.windowCount);
        this.weights = b.weights;
        this.biases = b.biases;
        this.incremental = b.incremental;
        this.windowCount = b.windowCount;
        this.kernels = b.kernels;
        this.paddedBases = b.paddedBases;
        this.regionBuffers = b.regionBuffers;
        this.switchBase = b.switchBase;
        this.fullBuffer = b.fullBuffer;
        this.placesTensor = b.placesTensor;
        this.switchPlacesTensor = b.switchPlacesTensor;
        this.places = placesTensor.data_ptr_int();
        this.switchPlaces = switchPlacesTensor.data_ptr_int();
        this.fill = b.fill;
        this.chainFullMacs = b.chainFullMacs;
        this.chainPlannedMacs = b.chainPlannedMacs;
        this.description = b.description;
    }

    /** Counted multiply-adds per window of the chain's layers when computed in full. */
    long chainFullMacs() {
        return chainFullMacs;
    }

    /** The same, as this engine computes them. */
    long chainPlannedMacs() {
        return chainPlannedMacs;
    }

    /** Bytes of the buffers a chunk's windows are computed in: every patch layer's regions and the full tensors. */
    long bufferBytes() {
        long bytes = 4L * fullBuffer.numel();
        for (Tensor regions : regionBuffers) {
            bytes += regions == null ? 0 : 4L * regions.numel();
        }
        return bytes;
    }

    /** Which layers run on patches: for the summary. */
    String description() {
        return description;
    }

    /** Patches through the incremental layers, then full tensors. */
    @Override
    protected Tensor chainOutput(int from, int to) {
        int n = to - from;
        Tensor patch = null;
        List<Link> links = chain.links();
        for (int l = 0; l < incremental; l++) {
            Link link = links.get(l);
            if (link.kind() == LinkKind.POINTWISE && l > 0) {
                patch = link.forward(patch);
                continue;
            }
            Tensor regions = regionBuffers[l].narrow(0, 0, n);
            IntPointer at = places.getPointer((long) (l * windowCount + from) * IncrementalKernels.PLACE_INTS);
            kernels.gather(paddedBases[l], at, regions);
            if (l == 0) {
                kernels.fill(fill, at, regions);
            } else {
                kernels.paste(channelsLast(patch), at, regions);
            }
            patch = apply(l, regions);
        }
        Tensor full = fullBuffer.narrow(0, 0, n);
        IntPointer at = switchPlaces.getPointer((long) from * IncrementalKernels.PLACE_INTS);
        kernels.gather(switchBase, at, full);
        kernels.paste(channelsLast(patch), at, full);
        if (incremental == links.size()) {
            return full.clone();  // the buffer is rewritten by the next chunk
        }
        return chain.runLinks(incremental, full);
    }

    /** Layer l on regions that already hold its padding: its own operation with padding 0. */
    private Tensor apply(int l, Tensor regions) {
        return apply(chain.links().get(l), weights[l], biases[l], regions);
    }

    private static Tensor apply(Link link, Tensor weight, Tensor bias, Tensor regions) {
        long[] zero = {0, 0};
        int[] k = link.geometry().kernel();
        int[] s = link.geometry().stride();
        int[] d = link.geometry().dilation();
        return switch (link.kind()) {
            case CONV -> torch.conv2d(regions, weight, bias == null ? new TensorOptional() : new TensorOptional(bias),
                    longs(s), zero, longs(d), link.groups());
            case MAX_POOL -> torch.max_pool2d(regions, longs(k), longs(s), zero, longs(d), false);
            case AVG_POOL -> torch.avg_pool2d(regions, longs(k), longs(s), zero, false, true, new LongOptional());
            case POINTWISE -> link.forward(regions);
        };
    }

    private static long[] longs(int[] pair) {
        return new long[] {pair[0], pair[1]};
    }

    /**
     * Plans the windows of {@code grid} over the proved chain and pads its base activations; the caller holds the
     * PointerScope and the NoGradGuard, which the returned scorer lives within.
     *
     * @param fill         the occluding value per channel, tensor space
     * @param batch        the most windows per chunk
     * @param fullFraction share of a layer above which patches give way to full tensors
     * @throws ChainDecomposition.NotApplicable when even the first layer's patch is above that share, or a layer's
     *         padded, padding-0 form does not reproduce the module (options convscope cannot patch)
     */
    static IncrementalScorer plan(ChainDecomposition chain, WindowGrid grid, float[] fill, Device device,
                                  boolean cuda, int threads, int batch, double fullFraction)
            throws ChainDecomposition.NotApplicable {
        List<Link> links = chain.links();
        int count = links.size();
        Plan plan = Plan.of(chain, grid, fullFraction);
        if (plan.incremental == 0) {
            throw new ChainDecomposition.NotApplicable("a window changes more than " + Math.round(fullFraction * 100)
                    + "% of the first layer's output, so patches gain nothing");
        }
        Builder b = new Builder();
        b.chain = chain;
        b.windowCount = grid.count();
        b.batch = batch;
        b.kernels = new PatchKernels(cuda, threads);
        b.incremental = plan.incremental;
        b.weights = new Tensor[count];
        b.biases = new Tensor[count];
        for (int l = 0; l < count; l++) {
            if (links.get(l).kind() == LinkKind.CONV) {
                b.weights[l] = links.get(l).parameter("weight");
                b.biases[l] = links.get(l).parameter("bias");
            }
        }

        // Each patch layer's padded base input, proved against the module's own output.
        TensorOptions options = new TensorOptions(device);
        b.paddedBases = new Tensor[count];
        b.regionBuffers = new Tensor[count];
        for (int l = 0; l < plan.incremental; l++) {
            Link link = links.get(l);
            if (link.kind() == LinkKind.POINTWISE && l > 0) {
                continue;
            }
            int[] pads = plan.padding(l);
            double padValue = link.kind() == LinkKind.MAX_POOL ? Double.NEGATIVE_INFINITY : 0.0;
            Tensor padded = channelsLast(torch.constant_pad_nd(chain.baseInput(l), new long[] {pads[1], pads[3],
                    pads[0], pads[2]}, new Scalar(padValue)));
            if (link.kind() != LinkKind.POINTWISE
                    && !ChainDecomposition.close(apply(link, b.weights[l], b.biases[l], padded), chain.baseOutput(l))) {
                throw new ChainDecomposition.NotApplicable(link.path() + " (" + link.type() + ") computes something "
                        + "else than its padded form: its options are not ones convscope can reproduce on patches");
            }
            b.paddedBases[l] = padded;
            int[] region = plan.region(l);
            b.regionBuffers[l] = torch.empty(new long[] {batch, chain.baseInput(l).size(1), region[0], region[1]},
                    options, new MemoryFormatOptional(torch.MemoryFormat.ChannelsLast));
        }

        boolean allPatches = plan.incremental == count;
        b.switchBase = channelsLast(allPatches ? chain.baseOutput(count - 1) : chain.baseInput(plan.incremental));
        b.fullBuffer = torch.empty(new long[] {batch, b.switchBase.size(1), b.switchBase.size(2),
                b.switchBase.size(3)}, options, new MemoryFormatOptional(torch.MemoryFormat.ChannelsLast));
        int[] switchPlaces = allPatches ? plan.pasteOfLastPatch() : plan.placesOf(plan.incremental);
        b.placesTensor = DeviceTensors.ints(plan.places, device);
        b.switchPlacesTensor = DeviceTensors.ints(switchPlaces, device);
        b.fill = DeviceTensors.floats(fill, new long[] {fill.length}, device);
        b.chainFullMacs = plan.fullMacs;
        b.chainPlannedMacs = plan.plannedMacs;
        b.description = describe(links, plan.incremental);
        return new IncrementalScorer(b);
    }

    private static String describe(List<Link> links, int incremental) {
        String patched = links.get(0).path() + (incremental > 1 ? ".." + links.get(incremental - 1).path() : "");
        return "patches through " + patched + (incremental < links.size()
                ? ", full tensors from " + links.get(incremental).path() : ", full tensors after the chain");
    }

    /** The result of {@code cs_plan_incremental} for one run, in Java arrays. */
    private static final class Plan {
        final int layers;
        final int windows;
        final int incremental;
        final int[] places;
        final int[][] layerInts;
        final long fullMacs;
        final long plannedMacs;

        private Plan(int layers, int windows, int incremental, int[] places, int[][] layerInts, long fullMacs,
                     long plannedMacs) {
            this.layers = layers;
            this.windows = windows;
            this.incremental = incremental;
            this.places = places;
            this.layerInts = layerInts;
            this.fullMacs = fullMacs;
            this.plannedMacs = plannedMacs;
        }

        static Plan of(ChainDecomposition chain, WindowGrid grid, double fullFraction) {
            List<Link> links = chain.links();
            int count = links.size();
            int[] layerInts = new int[count * IncrementalKernels.LAYER_INTS];
            for (int l = 0; l < count; l++) {
                Link link = links.get(l);
                boolean pointwise = link.kind() == LinkKind.POINTWISE;
                int[] k = pointwise ? new int[] {1, 1} : link.geometry().kernel();
                int[] s = pointwise ? new int[] {1, 1} : link.geometry().stride();
                int[] p = pointwise ? new int[] {0, 0} : link.geometry().padding();
                int[] d = pointwise ? new int[] {1, 1} : link.geometry().dilation();
                Tensor in = chain.baseInput(l);
                Tensor out = chain.baseOutput(l);
                int[] row = {link.kind().ordinal(), k[0], k[1], s[0], s[1], p[0], p[1], d[0], d[1],
                        (int) in.size(1), (int) out.size(1), link.groups(), (int) in.size(2), (int) in.size(3),
                        (int) out.size(2), (int) out.size(3)};
                System.arraycopy(row, 0, layerInts, l * IncrementalKernels.LAYER_INTS, row.length);
            }
            int windows = grid.count();
            int[] placesOut = new int[count * windows * IncrementalKernels.PLACE_INTS];
            try (IntPointer layersPtr = new IntPointer(layerInts);
                 IntPointer windowsPtr = new IntPointer(grid.packed(0, windows));
                 BytePointer plans = new BytePointer((long) count * IncrementalKernels.PLAN_BYTES);
                 IntPointer placesPtr = new IntPointer(placesOut.length);
                 IntPointer incremental = new IntPointer(1)) {
                int status = IncrementalKernels.plan(layersPtr, count, grid.height(), grid.width(), windowsPtr,
                        windows, fullFraction, plans, placesPtr, incremental);
                if (status != OcclusionKernels.CS_OK) {
                    throw new ConvscopeException("cannot plan the incremental run: "
                            + OcclusionKernels.statusMessage(status));
                }
                placesPtr.get(placesOut);
                int[][] ints = new int[count][];
                long full = 0;
                long planned = 0;
                for (int l = 0; l < count; l++) {
                    long at = (long) l * IncrementalKernels.PLAN_BYTES;
                    full += plans.getLong(at);
                    planned += plans.getLong(at + 8);
                    ints[l] = new int[10];
                    for (int i = 0; i < 10; i++) {
                        ints[l][i] = plans.getInt(at + 16 + 4L * i);
                    }
                }
                return new Plan(count, windows, incremental.get(), placesOut, ints, full, planned);
            }
        }

        /** {top, left, bottom, right} padding of layer l's base input. */
        int[] padding(int l) {
            int[] p = layerInts[l];
            return new int[] {p[5], p[6], p[7], p[8]};
        }

        int[] region(int l) {
            return new int[] {layerInts[l][3], layerInts[l][4]};
        }

        int[] patch(int l) {
            return new int[] {layerInts[l][1], layerInts[l][2]};
        }

        int[] placesOf(int l) {
            int from = l * windows * IncrementalKernels.PLACE_INTS;
            return java.util.Arrays.copyOfRange(places, from, from + windows * IncrementalKernels.PLACE_INTS);
        }

        /** Places that paste the last layer's patches into the chain's full output. */
        int[] pasteOfLastPatch() {
            int last = layers - 1;
            int[] out = new int[windows * IncrementalKernels.PLACE_INTS];
            int[] patch = patch(last);
            int[] lastPlaces = placesOf(last);
            for (int n = 0; n < windows; n++) {
                int o = n * IncrementalKernels.PLACE_INTS;
                out[o + 2] = lastPlaces[o + 6];
                out[o + 3] = lastPlaces[o + 7];
                out[o + 4] = patch[0];
                out[o + 5] = patch[1];
            }
            return out;
        }
    }

    /** Collects the fields while {@link #plan} plans. */
    private static final class Builder {
        ChainDecomposition chain;
        Tensor[] weights;
        Tensor[] biases;
        int incremental;
        int windowCount;
        int batch;
        PatchKernels kernels;
        Tensor[] paddedBases;
        Tensor[] regionBuffers;
        Tensor switchBase;
        Tensor fullBuffer;
        Tensor placesTensor;
        Tensor switchPlacesTensor;
        Tensor fill;
        long chainFullMacs;
        long chainPlannedMacs;
        String description;
    }
}
