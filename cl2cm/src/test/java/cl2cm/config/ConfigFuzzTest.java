package cl2cm.config;

import cl2cm.engine.Fuzz;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Mutated config files: a validated config, or a clear error naming the file (see {@link Fuzz}). */
class ConfigFuzzTest {
    @Provide
    Arbitrary<byte[]> configs() throws IOException {
        Path f = Files.createTempFile("full", ".json");
        Cl2cmConfig.defaults().save(f);   // every field, so mutations reach every part of the schema
        byte[] bytes = Files.readAllBytes(f);
        Files.delete(f);
        return Fuzz.mutationsOf(bytes);
    }

    @Property(seed = Fuzz.SEED)
    void configFiles(@ForAll("configs") byte[] bytes) throws IOException {
        Path f = Files.createTempFile("fuzz", ".json");
        try {
            Files.write(f, bytes);
            Fuzz.readsCleanly(f.getFileName().toString(), () -> Cl2cmConfig.load(f));
        } finally {
            Files.delete(f);
        }
    }

    @Property(tries = 50, seed = Fuzz.SEED)
    void validJsonOfTheWrongShape(@ForAll("configs") byte[] ignored) throws IOException {
        Path f = Files.createTempFile("shape", ".json");
        try {
            for (String json : new String[]{"[]", "3", "\"x\"", "null", "{\"data\": []}", "{\"data\": {\"train\": {}}}",
                    "{\"vision\": {\"channels\": [null]}}", "{\"vision\": {\"channels\": 8}}", "{\"seed\": 1e400}",
                    "{\"stage1\": {\"epochs\": 99999999999}}", "{\"text\": {\"maxLen\": -0}}"}) {
                Files.writeString(f, json, StandardCharsets.UTF_8);
                Fuzz.readsCleanly(f.getFileName().toString(), () -> Cl2cmConfig.load(f));
            }
        } finally {
            Files.delete(f);
        }
    }
}
