package cl2cm.report;

import cl2cm.engine.io.AtomicFile;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

/**
 * A self-contained HTML page: sections of text, tables, inline SVG charts and pictures as data URIs, with one inline
 * style sheet and one inline script, so the file opens from disk with nothing to fetch. Written atomically, so a
 * reader (or a browser refreshing it) never sees half a page.
 */
public final class ReportPage {
    private final StringBuilder body = new StringBuilder();
    private final String title;

    public ReportPage(String title) {
        this.title = title;
    }

    public ReportPage heading(String text) {
        body.append("<h2>").append(escape(text)).append("</h2>\n");
        return this;
    }

    public ReportPage paragraph(String text) {
        body.append("<p>").append(escape(text)).append("</p>\n");
        return this;
    }

    /** Text shown as it is, in a fixed-width font (e.g. a profiler's table). */
    public ReportPage preformatted(String text) {
        body.append("<pre>").append(escape(text)).append("</pre>\n");
        return this;
    }

    /** A table: the first row is the header; cells are text. */
    public ReportPage table(List<List<String>> rows) {
        body.append("<table>\n");
        for (int r = 0; r < rows.size(); r++) {
            String cell = r == 0 ? "th" : "td";
            body.append("<tr>");
            for (String c : rows.get(r)) {
                body.append('<').append(cell).append('>').append(escape(c)).append("</").append(cell).append('>');
            }
            body.append("</tr>\n");
        }
        body.append("</table>\n");
        return this;
    }

    /** Charts side by side (each an SVG element from {@link Charts}). */
    public ReportPage charts(List<String> svgs) {
        body.append("<div class=\"charts\">\n");
        for (String svg : svgs) {
            body.append("<figure class=\"chart\">").append(svg).append("</figure>\n");
        }
        body.append("</div>\n");
        return this;
    }

    /** One picture with a caption under it; {@code marked} draws it with a green frame (e.g. the right answer). */
    public record Picture(BufferedImage image, String caption, boolean marked) {
    }

    /** A row of pictures after a label (e.g. a query and its top results). */
    public ReportPage pictures(String label, List<Picture> pictures) {
        body.append("<div class=\"example\"><p class=\"query\">").append(escape(label))
                .append("</p><div class=\"row\">");
        for (Picture p : pictures) {
            body.append("<figure").append(p.marked() ? " class=\"right\"" : "")
                    .append("><img src=\"data:image/png;base64,").append(png(p.image())).append("\" alt=\"")
                    .append(escape(p.caption())).append("\"><figcaption>")
                    .append(escape(p.caption())).append("</figcaption></figure>");
        }
        body.append("</div></div>\n");
        return this;
    }

    public String html() {
        return """
                <!DOCTYPE html>
                <html lang="en"><head><meta charset="utf-8"><title>%s</title>
                <style>
                body { font: 14px/1.45 system-ui, sans-serif; margin: 24px auto; max-width: 1280px; color: #222; }
                h1 { font-size: 22px; } h2 { font-size: 18px; margin-top: 32px; border-bottom: 1px solid #ddd; }
                table { border-collapse: collapse; margin: 8px 0; }
                td, th { padding: 3px 10px; border: 1px solid #ddd; }
                th { background: #f4f4f4; } td { text-align: right; } td:first-child { text-align: left; }
                .charts { display: flex; flex-wrap: wrap; gap: 12px; } .chart { margin: 0; }
                .example .row { display: flex; gap: 10px; }
                .example figure { margin: 0; text-align: center; width: 112px; }
                .example img { width: 96px; height: 96px; image-rendering: pixelated; border: 4px solid transparent; }
                .example figure.right img { border-color: #2ca02c; } figcaption { font-size: 12px; color: #555; }
                .query { font-weight: 600; margin: 14px 0 4px; }
                pre { font-size: 12px; background: #f8f8f8; padding: 8px; }
                </style></head>
                <body>
                <h1>%s</h1>
                %s<script>
                // Marks pictures the browser could not decode, so that a broken page shows it (and a test can see it).
                window.addEventListener('load', () => {
                  const broken = [...document.images].filter(i => !i.complete || i.naturalWidth === 0);
                  broken.forEach(i => i.alt = 'picture failed to load: ' + i.alt);
                  document.body.dataset.brokenImages = String(broken.length);
                });
                </script>
                </body></html>
                """.formatted(escape(title), escape(title), body);
    }

    public void write(Path file) throws IOException {
        AtomicFile.writeString(file, html());
    }

    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    private static String png(BufferedImage image) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            ImageIO.write(image, "png", bytes);
            return Base64.getEncoder().encodeToString(bytes.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode a picture as PNG", e);
        }
    }
}
