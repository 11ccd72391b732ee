package cl2cm.data.io;

import cl2cm.data.Dataset;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EmojiImporterTest {
    @TempDir
    Path dir;

    private static void tgz(Path file, Map<String, byte[]> entries) throws IOException {
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(Files.newOutputStream(file)))) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                TarArchiveEntry t = new TarArchiveEntry(e.getKey());
                t.setSize(e.getValue().length);
                tar.putArchiveEntry(t);
                tar.write(e.getValue());
                tar.closeArchiveEntry();
            }
        }
    }

    private static byte[] png() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(64, 64, BufferedImage.TYPE_INT_ARGB), "png", out);
        return out.toByteArray();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void joinsGoogleImagesWithCldrNames() throws IOException {
        Map<String, byte[]> images = new LinkedHashMap<>();
        images.put("package/emoji.json", utf8("""
                [{"unified": "1F436", "image": "1f436.png", "has_img_google": true},
                 {"unified": "2764-FE0F", "image": "2764-fe0f.png", "has_img_google": true},
                 {"unified": "1F9EA", "image": "1f9ea.png", "has_img_google": true},
                 {"unified": "1F600", "image": "missing.png", "has_img_google": true}]"""));
        images.put("package/img/google/64/1f436.png", png());
        images.put("package/img/google/64/2764-fe0f.png", png());
        images.put("package/img/google/64/1f9ea.png", png());
        Path imagesTgz = dir.resolve("images.tgz");
        tgz(imagesTgz, images);
        Map<String, byte[]> names = new LinkedHashMap<>();
        names.put("package/annotations/en/annotations.json", utf8("""
                {"annotations": {"annotations": {"🐶": {"tts": ["dog face"]}, "❤": {"tts": ["red heart"]}}}}"""));
        names.put("package/annotations/de/annotations.json", utf8("""
                {"annotations": {"annotations": {"🐶": {"tts": ["Hundegesicht"]}}}}"""));
        Path namesTgz = dir.resolve("names.tgz");
        tgz(namesTgz, names);

        EmojiImporter.Report[] report = new EmojiImporter.Report[1];
        Dataset ds = EmojiImporter.read(imagesTgz, namesTgz, 16, List.of("de"), report);
        assertEquals(2, report[0].emoji(), "the heart is found without its U+FE0F; 1F9EA has no English name");
        assertEquals(1, report[0].withoutEnglishName());
        assertEquals(Map.of("en", 2, "de", 1), report[0].captionsPerTag());
        String split = HashSplits.of("emoji_1f436");
        assertEquals("Hundegesicht", ds.split(split).captions("de").get(0).text());

        IOException noLocale = assertThrows(IOException.class,
                () -> EmojiImporter.read(imagesTgz, namesTgz, 16, List.of("fr"), null));
        assertTrue(noLocale.getMessage().contains("no annotations for 'fr'"), noLocale.getMessage());
        IOException swapped = assertThrows(IOException.class,
                () -> EmojiImporter.read(namesTgz, imagesTgz, 16, List.of("de"), null));
        assertTrue(swapped.getMessage().contains("emoji-datasource-google@16.0.0"), swapped.getMessage());
        Path notGzip = dir.resolve("x.tgz");
        Files.writeString(notGzip, "hello");
        IOException bad = assertThrows(IOException.class, () -> EmojiImporter.read(notGzip, namesTgz, 16, List.of(), null));
        assertTrue(bad.getMessage().contains("x.tgz"), bad.getMessage());
    }
}
