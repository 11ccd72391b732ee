package cl2cm.data.tf;

import cl2cm.engine.Fuzz;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.io.IOException;
import java.util.List;

/** Mutated copies of the real mBERT bundle index: parsed, or a clear error naming it (see {@link Fuzz}). */
class TensorBundleFuzzTest {
    @Provide
    Arbitrary<byte[]> indexes() throws IOException {
        try (var in = TensorBundleFuzzTest.class.getResourceAsStream("/tf/mbert-variables.index")) {
            return Fuzz.mutationsOf(in.readAllBytes());
        }
    }

    @Property(seed = Fuzz.SEED)
    void bundleIndexes(@ForAll("indexes") byte[] bytes) {
        Fuzz.readsCleanly("variables.index", () -> TensorBundle.parse(bytes, List.of(), "variables.index"));
    }
}
