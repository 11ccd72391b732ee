package cl2cm.data.synth;

import cl2cm.engine.tensor.Rng;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Polygon;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.image.BufferedImage;

/** Draws a scene with Java2D: grey noisy background, antialiased shapes with slightly jittered colours. */
public final class SceneRenderer {
    private final int size;

    public SceneRenderer(int size) {
        if (size < 16) {
            throw new IllegalArgumentException("image size must be at least 16 pixels, got " + size);
        }
        this.size = size;
    }

    static Color rgb(Scene.Colour c) {
        return switch (c) {
            case RED -> new Color(215, 35, 35);
            case GREEN -> new Color(40, 165, 60);
            case BLUE -> new Color(40, 80, 220);
            case YELLOW -> new Color(235, 210, 40);
            case PURPLE -> new Color(140, 55, 190);
            case ORANGE -> new Color(245, 135, 25);
            case BLACK -> new Color(20, 20, 20);
            case WHITE -> new Color(245, 245, 245);
        };
    }

    /** Radius as a fraction of the image size. */
    static double radius(Scene.Size s) {
        return s == Scene.Size.SMALL ? 0.10 : 0.18;
    }

    public BufferedImage render(Scene scene, Rng rng) {
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int v = 120 + (int) (rng.nextDouble() * 16);
                img.setRGB(x, y, v << 16 | v << 8 | v);
            }
        }
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        for (Scene.Obj o : scene.objects()) {
            Color base = rgb(o.colour());
            g.setColor(new Color(jitter(base.getRed(), rng), jitter(base.getGreen(), rng), jitter(base.getBlue(), rng)));
            draw(g, o, rng);
        }
        g.dispose();
        return img;
    }

    private static int jitter(int v, Rng rng) {
        return Math.max(0, Math.min(255, v + (int) ((rng.nextDouble() - 0.5) * 24)));
    }

    private void draw(Graphics2D g, Scene.Obj o, Rng rng) {
        double r = radius(o.size()) * size * (0.9 + 0.2 * rng.nextDouble());
        double cx = o.x() * size;
        double cy = o.y() * size;
        switch (o.shape()) {
            case CIRCLE -> g.fill(new Ellipse2D.Double(cx - r, cy - r, 2 * r, 2 * r));
            case SQUARE -> g.fill(new java.awt.geom.Rectangle2D.Double(cx - r * 0.85, cy - r * 0.85, 1.7 * r, 1.7 * r));
            case TRIANGLE -> g.fill(polygon(cx, cy, r, 3, -Math.PI / 2, 1.0));
            case STAR -> g.fill(star(cx, cy, r));
            case DIAMOND -> g.fill(polygon(cx, cy, r, 4, -Math.PI / 2, 1.0));
            case CROSS -> {
                g.setStroke(new BasicStroke((float) (r * 0.55), BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER));
                g.draw(new java.awt.geom.Line2D.Double(cx - r, cy, cx + r, cy));
                g.draw(new java.awt.geom.Line2D.Double(cx, cy - r, cx, cy + r));
            }
        }
    }

    private static Polygon polygon(double cx, double cy, double r, int n, double start, double scale) {
        Polygon p = new Polygon();
        for (int i = 0; i < n; i++) {
            double a = start + 2 * Math.PI * i / n;
            p.addPoint((int) Math.round(cx + r * scale * Math.cos(a)), (int) Math.round(cy + r * scale * Math.sin(a)));
        }
        return p;
    }

    private static java.awt.geom.Path2D star(double cx, double cy, double r) {
        java.awt.geom.Path2D.Double p = new java.awt.geom.Path2D.Double();
        for (int i = 0; i < 10; i++) {
            double a = -Math.PI / 2 + Math.PI * i / 5;
            double rr = i % 2 == 0 ? r : r * 0.45;
            double x = cx + rr * Math.cos(a);
            double y = cy + rr * Math.sin(a);
            if (i == 0) {
                p.moveTo(x, y);
            } else {
                p.lineTo(x, y);
            }
        }
        p.closePath();
        return p;
    }
}
