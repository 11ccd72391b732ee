package cl2cm.data.io;

import cl2cm.data.Dataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Multi30kImporterTest {
    @TempDir
    Path raw;

    private void gz(String name, String text) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(raw.resolve(name)))) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
    }

    private void release() throws IOException {
        Files.writeString(raw.resolve("train.images.txt"), "111.jpg\n222.jpg\n");
        gz("train.en.gz", "A dog runs.\nTwo men talk.\n");
        gz("train.de.gz", "Ein Hund rennt.\nZwei Männer reden.\n");
        Files.writeString(raw.resolve("test_2016_flickr.images.txt"), "333.jpg\n");
        gz("test_2016_flickr.en.gz", "A cat sleeps.\n");
        gz("test_2016_flickr.de.gz", "Eine Katze schläft.\n");
    }

    @Test
    void importsAlignedCaptionsAndWritesTheNrccrLayout(@TempDir Path out) throws IOException {
        release();
        Dataset ds = Multi30kImporter.read(raw, List.of("en", "de"));
        assertEquals(List.of("111", "222"), ds.split("train").ids());
        assertEquals("Zwei Männer reden.", ds.split("train").captions("de").get(1).text());
        assertEquals("333", ds.split("test").ids().get(0));
        NrccrLayout.write(ds, out);
        Dataset back = NrccrLayout.read(out, "multi30k", NrccrLayout.Visuals.NONE, 0);
        assertEquals(ds.split("test").captions("de"), back.split("test").captions("de"));
    }

    @Test
    void misalignedFilesAreAClearError() throws IOException {
        release();
        gz("train.de.gz", "Ein Hund rennt.\n");
        IOException e = assertThrows(IOException.class, () -> Multi30kImporter.read(raw, List.of("en", "de")));
        assertTrue(e.getMessage().contains("train.de.gz: 1 captions, but") && e.getMessage().contains("lists 2 images"),
                e.getMessage());
        IOException missing = assertThrows(IOException.class, () -> Multi30kImporter.read(raw, List.of("fr")));
        assertTrue(missing.getMessage().contains("no train.fr(.gz) caption file"), missing.getMessage());
    }
}
