package io.convscope.render;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_imgproc.applyColorMap;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;

import io.convscope.UsageException;

/**
 * A 256-entry lookup from an intensity in [0, 1] to a colour. {@code gray} is the identity ramp; every other
 * name is one of OpenCV's {@code COLORMAP_*} tables (viridis, magma, jet, twilight, …), read once from
 * {@code cv::applyColorMap} so our colours are exactly OpenCV's.
 */
public final class Colormap {
    private static final Map<String, Integer> OPENCV_MAPS = openCvColormaps();

    private final String name;
    private final Rgb[] table;

    private Colormap(String name, Rgb[] table) {
        this.name = name;
        this.table = table;
    }

    /**
     * Blue through white to red, white at 0.5: for signed maps centred on 0 (red = the score drops when this
     * region is hidden). Anchors are ColorBrewer's RdBu ends and a near-white middle.
     */
    public static Colormap diverging() {
        Rgb blue = new Rgb(33, 102, 172);
        Rgb white = new Rgb(247, 247, 247);
        Rgb red = new Rgb(178, 24, 43);
        Rgb[] table = new Rgb[256];
        for (int i = 0; i < 256; i++) {
            double t = i / 255.0;
            table[i] = t < 0.5 ? mix(blue, white, t * 2) : mix(white, red, (t - 0.5) * 2);
        }
        return new Colormap("diverging", table);
    }

    private static Rgb mix(Rgb a, Rgb b, double t) {
        return new Rgb((int) Math.round(a.r() + (b.r() - a.r()) * t), (int) Math.round(a.g() + (b.g() - a.g()) * t),
                (int) Math.round(a.b() + (b.b() - a.b()) * t));
    }

    public static Colormap named(String name) {
        String key = name.strip().toLowerCase(Locale.ROOT);
        if (key.equals("diverging")) {
            return diverging();
        }
        if (key.equals("gray") || key.equals("grey")) {
            Rgb[] ramp = new Rgb[256];
            for (int i = 0; i < 256; i++) {
                ramp[i] = new Rgb(i, i, i);
            }
            return new Colormap("gray", ramp);
        }
        Integer id = OPENCV_MAPS.get(key);
        if (id == null) {
            throw new UsageException("unknown colormap '" + name + "'; choose one of: " + String.join(", ", names()));
        }
        return new Colormap(key, tableOf(id));
    }

    /** Every accepted name: gray and OpenCV's colormaps, in alphabetical order. */
    public static java.util.List<String> names() {
        java.util.List<String> all = new java.util.ArrayList<>(OPENCV_MAPS.keySet());
        all.add("gray");
        all.add("diverging");
        java.util.Collections.sort(all);
        return all;
    }

    public String name() {
        return name;
    }

    /** The colour of intensity {@code v}: entry {@link Rgb#level}(v) of the table. */
    public Rgb color(double v) {
        return table[Rgb.level(v)];
    }

    private static Rgb[] tableOf(int id) {
        try (PointerScope scope = new PointerScope()) {
            Mat ramp = new Mat(1, 256, CV_8UC1);
            BytePointer levels = ramp.data();
            for (int i = 0; i < 256; i++) {
                levels.put(i, (byte) i);
            }
            Mat colored = new Mat();
            applyColorMap(ramp, colored, id);
            BytePointer bgr = colored.data();
            Rgb[] table = new Rgb[256];
            for (int i = 0; i < 256; i++) {
                table[i] = new Rgb(bgr.get(3 * i + 2) & 0xff, bgr.get(3 * i + 1) & 0xff, bgr.get(3 * i) & 0xff);
            }
            return table;
        }
    }

    private static Map<String, Integer> openCvColormaps() {
        Map<String, Integer> maps = new TreeMap<>();
        for (Field field : opencv_imgproc.class.getFields()) {
            if (field.getName().startsWith("COLORMAP_") && Modifier.isStatic(field.getModifiers())
                    && field.getType() == int.class) {
                try {
                    maps.put(field.getName().substring("COLORMAP_".length()).toLowerCase(Locale.ROOT),
                            field.getInt(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException("OpenCV colormap constant is not readable: " + field, e);
                }
            }
        }
        return maps;
    }
}
