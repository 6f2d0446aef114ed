package io.convscope.rf;

import java.nio.file.Path;
import java.util.List;

import io.convscope.Result;
import io.convscope.UsageException;
import io.convscope.model.LayerInfo;
import io.convscope.render.Png;

/** A unit's receptive field drawn over the input: writes itself as the picture (".png"). */
public record RfResult(Path model, LayerInfo layer, ReceptiveField field, long[] unit, RfPicture picture)
        implements Result {
    @Override
    public List<String> formats() {
        return List.of(".png");
    }

    @Override
    public byte[] encode(String format) {
        if (!format.equals(".png")) {
            throw new UsageException("a receptive field picture is written as .png, not " + format);
        }
        return Png.encode(picture.raster());
    }

    /** {@code features.3 unit 3,3: receptive field 51 px, rows -8..42, cols -8..42, jump 8, start -8.0}. */
    public String summary() {
        ReceptiveField.Region r = field.region(unit[0], unit[1]);
        return layer.path() + " unit " + unit[0] + "," + unit[1] + ": receptive field " + field.sizeText() + " px, rows "
                + r.top() + ".." + r.bottom() + ", cols " + r.left() + ".." + r.right() + ", jump " + field.jumpText()
                + ", start " + field.startText();
    }
}
