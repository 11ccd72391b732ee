package cl2cm.data.io;

import cl2cm.data.Dataset;
import cl2cm.data.ImageSet;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Imports the Tux Paint stamps (Debian {@code tuxpaint-stamps-default}, installed under
 * {@code /usr/share/tuxpaint/stamps}): every PNG with a description file beside it ({@code name.txt}: the English
 * caption on the first line, then human translations as {@code de.utf8=...}, {@code zh_CN.utf8=...}).
 *
 * <p>Images are letterboxed onto a white square (transparent parts become white) and resized. Visual ids are the
 * path below the stamps folder with '/' replaced by '_' ({@code animals_birds_cardinal}). Captions are tagged
 * {@code en} (source) and by language ({@code de}, {@code fr}, {@code cs}, {@code es}, {@code ja}, {@code zh} for
 * zh_CN); a stamp without a translation simply lacks that caption.
 *
 * <p>Splits: {@link HashSplits} (70/10/20 by SHA-1 of the visual id).
 */
public final class TuxPaintImporter {
    public static final String COLLECTION = "tuxpaint";
    public static final Path DEFAULT_STAMPS = Path.of("/usr/share/tuxpaint/stamps");
    private static final Map<String, String> LOCALES = Map.of("zh_CN", "zh", "pt_BR", "pt-BR");

    /** What an import found. */
    public record Report(int stamps, int skippedWithoutDescription, Map<String, Integer> captionsPerTag) {
    }

    private TuxPaintImporter() {
    }

    /** Reads the stamps; {@code languages} lists the target tags to keep (e.g. de, fr, es, cs, ja, zh). */
    public static Dataset read(Path stamps, int imageSize, List<String> languages, Report[] report) throws IOException {
        if (!Files.isDirectory(stamps)) {
            throw new IOException(stamps + " not found: install the stamps (sudo apt-get install "
                    + "tuxpaint-stamps-default) or pass the folder of an extracted .deb (usr/share/tuxpaint/stamps)");
        }
        List<Path> pngs;
        try (Stream<Path> s = Files.walk(stamps)) {
            pngs = s.filter(p -> p.getFileName().toString().endsWith(".png")).sorted().toList();
        }
        PictureSetBuilder out = new PictureSetBuilder(imageSize);
        int skipped = 0;
        for (Path png : pngs) {
            String base = png.getFileName().toString();
            base = base.substring(0, base.length() - 4);
            Path txt = png.resolveSibling(base + ".txt");
            if (!Files.isRegularFile(txt)) {
                skipped++;
                continue;
            }
            String rel = stamps.relativize(png).toString();
            String id = rel.substring(0, rel.length() - 4).replace('/', '_').replaceAll("[\\s#]+", "_");
            Map<String, String> kept = new LinkedHashMap<>();
            parseDescription(txt).forEach((tag, text) -> {
                if (tag.equals("en") || languages.contains(tag)) {
                    kept.put(tag, text);
                }
            });
            out.add(id, ImageSet.toChw(letterbox(read(png)), imageSize, imageSize, Color.WHITE), kept);
        }
        if (out.items() == 0) {
            throw new IOException(stamps + ": no PNG stamp with a .txt description found");
        }
        if (report != null) {
            report[0] = new Report(out.items(), skipped, out.captionsPerTag());
        }
        return out.build(COLLECTION);
    }

    /** English first line, then {@code <locale>.utf8=<text>} lines; returns tag -> caption. */
    static Map<String, String> parseDescription(Path txt) throws IOException {
        List<String> lines = Multi30kImporter.lines(txt);
        if (lines.isEmpty() || lines.get(0).isBlank()) {
            throw new IOException(txt + ":1: expected the English description on the first line");
        }
        Map<String, String> out = new LinkedHashMap<>();
        out.put("en", clean(lines.get(0)));
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            int eq = line.indexOf(".utf8=");
            if (eq <= 0) {
                continue; // blank lines and comments
            }
            String locale = line.substring(0, eq);
            String tag = LOCALES.getOrDefault(locale, locale);
            String t = clean(line.substring(eq + ".utf8=".length()));
            if (!t.isEmpty() && !tag.contains("@") && !tag.contains("_")) {
                out.put(tag, t);
            }
        }
        return out;
    }

    private static String clean(String s) {
        return s.replaceAll("\\s+", " ").strip();
    }

    private static BufferedImage read(Path png) throws IOException {
        BufferedImage img = ImageIO.read(png.toFile());
        if (img == null) {
            throw new IOException(png + ": not a readable PNG");
        }
        return img;
    }

    /** Centres the picture on a white square (transparent pixels become white). */
    static BufferedImage letterbox(BufferedImage img) {
        int side = Math.max(img.getWidth(), img.getHeight());
        BufferedImage sq = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = sq.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, side, side);
        g.drawImage(img, (side - img.getWidth()) / 2, (side - img.getHeight()) / 2, null);
        g.dispose();
        return sq;
    }
}
