package cl2cm.data;

import cl2cm.engine.io.AtomicFile;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A PNG grid of pictures, each with a few lines of caption underneath (a title line on top). */
public final class ContactSheet {
    /** One cell: a picture and its caption lines (e.g. "en: a red circle", "de: ein roter Kreis"). */
    public record Cell(BufferedImage picture, List<String> lines) {
    }

    private ContactSheet() {
    }

    public static void write(Path out, String title, List<Cell> cells, int columns, int cellSize) throws IOException {
        if (Fonts.missing() != null) {
            throw new IOException(out + ": not written: " + Fonts.missing());
        }
        int textLines = cells.stream().mapToInt(c -> c.lines().size()).max().orElse(0);
        Font font = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
        int lineHeight = 14;
        int cellH = cellSize + 4 + lineHeight * 2 * textLines;
        int rows = (cells.size() + columns - 1) / columns;
        BufferedImage img = new BufferedImage(columns * (cellSize + 8), 26 + rows * cellH, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setColor(Color.BLACK);
        g.setFont(font.deriveFont(Font.BOLD, 14f));
        g.drawString(title, 4, 18);
        g.setFont(font);
        FontMetrics fm = g.getFontMetrics();
        for (int i = 0; i < cells.size(); i++) {
            int x = (i % columns) * (cellSize + 8) + 4;
            int y = 26 + (i / columns) * cellH;
            g.drawImage(cells.get(i).picture(), x, y, cellSize, cellSize, null);
            int ty = y + cellSize + 4 + fm.getAscent();
            for (String line : cells.get(i).lines()) {
                for (String wrapped : wrap(line, fm, cellSize, 2)) {
                    g.drawString(wrapped, x, ty);
                    ty += lineHeight;
                }
            }
        }
        g.dispose();
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(img, "png", png);
        AtomicFile.write(out, png::writeTo);
    }

    /** Greedy word wrap to {@code width} pixels, at most {@code maxLines} lines (the last one cut with "..."). */
    static List<String> wrap(String text, FontMetrics fm, int width, int maxLines) {
        List<String> lines = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (String w : text.split(" ")) {
            String next = cur.isEmpty() ? w : cur + " " + w;
            if (fm.stringWidth(next) <= width || cur.isEmpty()) {
                cur = new StringBuilder(next);
            } else {
                lines.add(cur.toString());
                cur = new StringBuilder(w);
            }
        }
        if (!cur.isEmpty()) {
            lines.add(cur.toString());
        }
        if (lines.size() > maxLines) {
            List<String> cut = new ArrayList<>(lines.subList(0, maxLines));
            cut.set(maxLines - 1, cut.get(maxLines - 1) + "...");
            return cut;
        }
        return lines;
    }
}
