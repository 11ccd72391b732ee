package cl2cm.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Cl2cmConfigTest {
    @TempDir
    Path dir;

    @Test
    void partialConfigsKeepDefaultsAndRoundTrip() throws IOException {
        Path f = dir.resolve("c.json");
        Files.writeString(f, "{\"data\": {\"target\": \"fr\"}, \"loss\": {\"lambdaKd\": 0.25}}");
        Cl2cmConfig c = Cl2cmConfig.load(f);
        assertEquals("fr", c.data().target());
        assertEquals(0.25, c.loss().lambdaKd());
        assertEquals(Cl2cmConfig.defaults().text(), c.text());
        Path saved = dir.resolve("saved.json");
        c.save(saved);
        assertEquals(c, Cl2cmConfig.load(saved));
    }

    @Test
    void unknownFieldsAndBadValuesNameTheProblem() throws IOException {
        Path f = dir.resolve("c.json");
        Files.writeString(f, "{\"loss\": {\"lamdaKd\": 0.25}}");
        IOException e = assertThrows(IOException.class, () -> Cl2cmConfig.load(f));
        assertTrue(e.getMessage().contains("unknown config field 'lamdaKd'"), e.getMessage());
        Files.writeString(f, "{\"text\": {\"hidden\": 100, \"heads\": 3}}");
        e = assertThrows(IOException.class, () -> Cl2cmConfig.load(f));
        assertTrue(e.getMessage().contains("text.hidden must be a multiple of text.heads"), e.getMessage());
        Files.writeString(f, "{\"data\": ");
        e = assertThrows(IOException.class, () -> Cl2cmConfig.load(f));
        assertTrue(e.getMessage().contains("c.json"), e.getMessage());
    }
}
