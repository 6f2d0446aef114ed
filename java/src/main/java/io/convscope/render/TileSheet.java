package io.convscope.render;

import java.util.ArrayList;
import java.util.List;

/**
 * Equal-sized tiles laid out in a grid on a dark background, with thin separators, an optional title strip,
 * row and column labels, a label under each tile, and an optional panel (a colorbar) to the right.
 * Labels are drawn only where they fit, so huge grids stay clean. {@link #tile(int)} says where each tile
 * landed, which is what callers (and tests) use to find a tile's pixels.
 */
public final class TileSheet {
    public static final Rgb BACKGROUND = new Rgb(40, 40, 40);
    public static final Rgb INK = new Rgb(235, 235, 235);
    static final int MARGIN = 8;
    static final int TITLE_TEXT = 14;
    static final int LABEL_TEXT = 10;

    private final Raster raster;
    private final List<Box> tiles;

    private TileSheet(Raster raster, List<Box> tiles) {
        this.raster = raster;
        this.tiles = List.copyOf(tiles);
    }

    public Raster raster() {
        return raster;
    }

    /** Where tile {@code index} (in the order given to the builder) was drawn. */
    public Box tile(int index) {
        return tiles.get(index);
    }

    public int tileCount() {
        return tiles.size();
    }

    public static Builder builder(List<Raster> tiles, int columns) {
        return new Builder(tiles, columns);
    }

    public static final class Builder {
        private final List<Raster> tiles;
        private final int columns;
        private int gap = 2;
        private final List<String> title = new ArrayList<>();
        private List<String> rowLabels = List.of();
        private List<String> columnLabels = List.of();
        private List<String> tileLabels = List.of();
        private Raster sidePanel;

        private Builder(List<Raster> tiles, int columns) {
            if (tiles.isEmpty()) {
                throw new IllegalArgumentException("a tile sheet needs at least one tile");
            }
            Raster first = tiles.get(0);
            for (Raster t : tiles) {
                if (t.width() != first.width() || t.height() != first.height()) {
                    throw new IllegalArgumentException("all tiles must have the same size");
                }
            }
            this.tiles = tiles;
            this.columns = Math.max(1, Math.min(columns, tiles.size()));
        }

        /** Separator width in pixels between neighbouring tiles. */
        public Builder gap(int pixels) {
            this.gap = pixels;
            return this;
        }

        public Builder titleLine(String line) {
            title.add(line);
            return this;
        }

        public Builder rowLabels(List<String> labels) {
            this.rowLabels = List.copyOf(labels);
            return this;
        }

        public Builder columnLabels(List<String> labels) {
            this.columnLabels = List.copyOf(labels);
            return this;
        }

        public Builder tileLabels(List<String> labels) {
            this.tileLabels = List.copyOf(labels);
            return this;
        }

        public Builder sidePanel(Raster panel) {
            this.sidePanel = panel;
            return this;
        }

        public TileSheet build() {
            int tw = tiles.get(0).width();
            int th = tiles.get(0).height();
            int rows = (tiles.size() + columns - 1) / columns;
            boolean showRowLabels = !rowLabels.isEmpty() && th + gap >= LABEL_TEXT + 2;
            boolean showColumnLabels = !columnLabels.isEmpty() && fits(columnLabels, tw + gap);
            boolean showTileLabels = !tileLabels.isEmpty() && fits(tileLabels, tw + gap);

            int titleBand = title.isEmpty() ? 0 : title.size() * (TITLE_TEXT + 8) + 4;
            int columnBand = showColumnLabels ? LABEL_TEXT + 6 : 0;
            int rowBand = showRowLabels ? widest(rowLabels) + 6 : 0;
            int tileLabelBand = showTileLabels ? LABEL_TEXT + 5 : 0;
            int cellW = tw + gap;
            int cellH = th + tileLabelBand + gap;
            int gridX = MARGIN + rowBand;
            int gridY = MARGIN + titleBand + columnBand;
            int gridW = columns * cellW - gap;
            int gridH = rows * cellH - gap;
            int panelW = sidePanel == null ? 0 : sidePanel.width() + MARGIN;
            int width = Math.max(gridX + gridW + panelW + MARGIN, MARGIN * 2 + widestTitle());
            int height = Math.max(gridY + gridH, sidePanel == null ? 0 : gridY + sidePanel.height()) + MARGIN;

            Raster sheet = new Raster(width, height, BACKGROUND);
            for (int i = 0; i < title.size(); i++) {
                Text.draw(sheet, title.get(i), MARGIN, MARGIN + i * (TITLE_TEXT + 8), TITLE_TEXT, INK);
            }
            List<Box> boxes = new ArrayList<>(tiles.size());
            for (int i = 0; i < tiles.size(); i++) {
                int x = gridX + (i % columns) * cellW;
                int y = gridY + (i / columns) * cellH;
                sheet.draw(tiles.get(i), x, y);
                boxes.add(new Box(x, y, tw, th));
                if (showTileLabels) {
                    Text.draw(sheet, tileLabels.get(i), x, y + th + 2, LABEL_TEXT, INK);
                }
            }
            if (showColumnLabels) {
                for (int c = 0; c < Math.min(columns, columnLabels.size()); c++) {
                    Text.draw(sheet, columnLabels.get(c), gridX + c * cellW, gridY - columnBand + 1, LABEL_TEXT, INK);
                }
            }
            if (showRowLabels) {
                for (int r = 0; r < Math.min(rows, rowLabels.size()); r++) {
                    int textY = gridY + r * cellH + Math.max(0, (th - LABEL_TEXT) / 2) - 2;
                    Text.draw(sheet, rowLabels.get(r), MARGIN, textY, LABEL_TEXT, INK);
                }
            }
            if (sidePanel != null) {
                sheet.draw(sidePanel, gridX + gridW + MARGIN, gridY);
            }
            return new TileSheet(sheet, boxes);
        }

        private int widestTitle() {
            return title.stream().mapToInt(line -> Text.measure(line, TITLE_TEXT)[0]).max().orElse(0);
        }

        private static int widest(List<String> labels) {
            return labels.stream().mapToInt(l -> Text.measure(l, LABEL_TEXT)[0]).max().orElse(0);
        }

        private static boolean fits(List<String> labels, int space) {
            return widest(labels) + 2 <= space;
        }
    }
}
