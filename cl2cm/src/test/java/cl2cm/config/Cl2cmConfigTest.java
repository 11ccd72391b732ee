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
        assertTrue(e.getMessage().contains("unknown config field 'loss.lamdaKd'"), e.getMessage());
        Files.writeString(f, "{\"text\": {\"hidden\": 100, \"heads\": 3}}");
        e = assertThrows(IOException.class, () -> Cl2cmConfig.load(f));
        assertTrue(e.getMessage().contains("text.hidden must be a multiple of text.heads"), e.getMessage());
        Files.writeString(f, "{\"data\": ");
        e = assertThrows(IOException.class, () -> Cl2cmConfig.load(f));
        assertTrue(e.getMessage().contains("c.json"), e.getMessage());
    }

    @Test
    void everyShippedConfigLoads() throws IOException {
        try (var s = Files.list(Path.of("../tools/configs"))) {
            for (Path f : s.filter(p -> p.toString().endsWith(".json")).toList()) {
                Cl2cmConfig.load(f);
            }
        }
    }

    @Test
    void savedRunsReportTheFirstDifferentField() {
        Cl2cmConfig a = Cl2cmConfig.defaults();
        assertEquals(null, Cl2cmConfig.firstDifference(a, a));
        String d = Cl2cmConfig.firstDifference(a, a.withLambdaKd(0.5));
        assertTrue(d.contains("loss.lambdaKd") && d.contains("0.5") && d.contains("1.0"), d);
    }
}
