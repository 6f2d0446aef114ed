package io.convscope.render;

/** A pixel rectangle: left, top, width, height. */
public record Box(int x, int y, int width, int height) {
    public boolean contains(int px, int py) {
        return px >= x && py >= y && px < x + width && py < y + height;
    }
}
