package cl2cm.app;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PairedDifferenceTest {
    private static Map<String, Object> run(double baseline, double cl2cm) {
        return Map.of("baseline", Map.of("mR", baseline), "cl2cm", Map.of("mR", cl2cm));
    }

    @Test
    void meanStdAndStudentInterval() {
        // Differences 1, 2, 3: mean 2, sample std 1, t(0.975, 2) = 4.303, half-width 4.303 / sqrt(3).
        DemoCommand.PairedDifference d = DemoCommand.PairedDifference.of(List.of(run(70, 71), run(80, 82),
                run(75, 78)));
        assertEquals(3, d.n());
        assertEquals(2.0, d.mean(), 1e-12);
        assertEquals(1.0, d.std(), 1e-12);
        assertEquals(2 - 4.303 / Math.sqrt(3), d.ciLow(), 1e-9);
        assertEquals(2 + 4.303 / Math.sqrt(3), d.ciHigh(), 1e-9);
        assertEquals(3, d.wins());
    }
}
