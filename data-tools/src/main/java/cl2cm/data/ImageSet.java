package cl2cm.data;

import cl2cm.engine.tensor.Tensor;

import java.awt.image.BufferedImage;

/**
 * RGB images of one size, kept as bytes (4x smaller than floats) and turned into normalised float tensors a batch
 * at a time: pixel / 255 scaled to mean 0 and unit-ish variance with (v - 0.5) / 0.25.
 */
public final class ImageSet {
    private final int height;
    private final int width;
    private final byte[][] chw;

    public ImageSet(int height, int width, byte[][] chw) {
        for (int i = 0; i < chw.length; i++) {
            if (chw[i].length != 3 * height * width) {
                throw new IllegalArgumentException("image " + i + " has " + chw[i].length + " bytes, expected 3x"
                        + height + "x" + width);
            }
        }
        this.height = height;
        this.width = width;
        this.chw = chw;
    }

    /** Converts (and if needed resizes, flattening alpha onto {@code background}) a picture to CHW bytes. */
    public static byte[] toChw(BufferedImage img, int height, int width, java.awt.Color background) {
        BufferedImage canvas = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        var g = canvas.createGraphics();
        g.setRenderingHint(java.awt.RenderingHints.KEY_INTERPOLATION,
                java.awt.RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.setRenderingHint(java.awt.RenderingHints.KEY_RENDERING, java.awt.RenderingHints.VALUE_RENDER_QUALITY);
        g.setColor(background);
        g.fillRect(0, 0, width, height);
        g.drawImage(img, 0, 0, width, height, null);
        g.dispose();
        byte[] out = new byte[3 * height * width];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int rgb = canvas.getRGB(x, y);
                int p = y * width + x;
                out[p] = (byte) (rgb >> 16);
                out[height * width + p] = (byte) (rgb >> 8);
                out[2 * height * width + p] = (byte) rgb;
            }
        }
        return out;
    }

    public int size() {
        return chw.length;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    public byte[] chw(int i) {
        return chw[i];
    }

    /** Images {@code idx} as a float32 tensor [B, 3, H, W]. */
    public Tensor batch(int[] idx) {
        int n = 3 * height * width;
        float[] v = new float[idx.length * n];
        for (int b = 0; b < idx.length; b++) {
            byte[] src = chw[idx[b]];
            for (int i = 0; i < n; i++) {
                v[b * n + i] = ((src[i] & 0xff) / 255f - 0.5f) / 0.25f;
            }
        }
        return Tensor.of(v, idx.length, 3, height, width);
    }

    /** One image as a picture. */
    public BufferedImage picture(int i) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        byte[] src = chw[i];
        int hw = height * width;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int p = y * width + x;
                img.setRGB(x, y, (src[p] & 0xff) << 16 | (src[hw + p] & 0xff) << 8 | (src[2 * hw + p] & 0xff));
            }
        }
        return img;
    }
}
