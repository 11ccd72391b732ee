package cl2cm.data.io;

import cl2cm.data.Caption;
import cl2cm.data.Dataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TuxPaintImporterTest {
    @TempDir
    Path dir;

    private void stamp(String rel, int w, int h, String description) throws IOException {
        Path png = dir.resolve(rel + ".png");
        Files.createDirectories(png.getParent());
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB); // transparent background
        for (int y = h / 4; y < 3 * h / 4; y++) {
            for (int x = w / 4; x < 3 * w / 4; x++) {
                img.setRGB(x, y, Color.RED.getRGB());
            }
        }
        ImageIO.write(img, "png", png.toFile());
        if (description != null) {
            Files.writeString(dir.resolve(rel + ".txt"), description);
        }
    }

    @Test
    void importsStampsWithTheirHumanTranslations() throws IOException {
        stamp("animals/birds/cardinal", 40, 20, "A red cardinal.\nde.utf8=Ein roter Kardinal.\nes.utf8=Un cardenal rojo.\n"
                + "zh_CN.utf8=红衣主教鸟。\nca@valencia.utf8=Un cardenal.\n");
        stamp("food/apple", 30, 30, "An apple.\n\nfr.utf8=Une pomme.\n");
        stamp("food/no-description", 10, 10, null);
        TuxPaintImporter.Report[] report = new TuxPaintImporter.Report[1];
        Dataset ds = TuxPaintImporter.read(dir, 16, List.of("de", "es", "fr", "zh"), report);
        assertEquals(2, report[0].stamps());
        assertEquals(1, report[0].skippedWithoutDescription());
        assertEquals(Map.of("de", 1, "en", 2, "es", 1, "fr", 1, "zh", 1), report[0].captionsPerTag());
        String split = HashSplits.of("animals_birds_cardinal");
        Caption zh = ds.split(split).captions("zh").get(0);
        assertEquals("animals_birds_cardinal", zh.visualId());
        assertEquals("红衣主教鸟。", zh.text());
        // Letterboxed on white: the corners are white, the middle is the red square.
        byte[] chw = ds.split(split).images().chw(ds.split(split).indexOf("animals_birds_cardinal"));
        assertEquals((byte) 255, chw[0]);
        assertTrue((chw[8 * 16 + 8] & 0xFF) > 200 && (chw[16 * 16 + 8 * 16 + 8] & 0xFF) < 60, "red centre");
        // A round trip through the NRCCR layout keeps everything.
        NrccrLayout.write(ds, dir.resolve("out"));
        Dataset back = NrccrLayout.read(dir.resolve("out"), "tuxpaint", NrccrLayout.Visuals.IMAGES, 16);
        assertEquals(ds.split(split).captions("es"), back.split(split).captions("es"));
    }

    @Test
    void splitsAreDeterministicAndRoughly70_10_20() {
        int[] counts = new int[3];
        for (int i = 0; i < 2000; i++) {
            String s = HashSplits.of("stamp_" + i);
            assertEquals(s, HashSplits.of("stamp_" + i));
            counts[s.equals("train") ? 0 : s.equals("val") ? 1 : 2]++;
        }
        assertTrue(Math.abs(counts[0] - 1400) < 100 && Math.abs(counts[1] - 200) < 60, java.util.Arrays.toString(counts));
    }

    @Test
    void badInputsAreClearErrors() throws IOException {
        IOException missing = assertThrows(IOException.class,
                () -> TuxPaintImporter.read(dir.resolve("nope"), 16, List.of("de"), null));
        assertTrue(missing.getMessage().contains("apt-get install tuxpaint-stamps-default"), missing.getMessage());
        stamp("x/blank", 8, 8, "\nde.utf8=Leer.\n");
        IOException blank = assertThrows(IOException.class, () -> TuxPaintImporter.read(dir, 16, List.of("de"), null));
        assertTrue(blank.getMessage().contains("blank.txt:1"), blank.getMessage());
        Files.write(dir.resolve("x/blank.txt"), new byte[]{'A', (byte) 0xC3, '\n'});
        IOException utf8 = assertThrows(IOException.class, () -> TuxPaintImporter.read(dir, 16, List.of("de"), null));
        assertTrue(utf8.getMessage().contains("blank.txt"), utf8.getMessage());
        assertFalse(utf8.getMessage().isEmpty());
    }
}
