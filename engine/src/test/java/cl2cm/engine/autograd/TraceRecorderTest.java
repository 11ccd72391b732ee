package cl2cm.engine.autograd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TraceRecorderTest {
    @TempDir
    Path dir;

    /** Spans of another timeline (GPU kernels) land on their own named track, only where they overlap a step. */
    @Test
    void addedTracksKeepOnlySpansInsideRecordedSteps() throws Exception {
        TraceRecorder r = new TraceRecorder(null);
        long before = System.nanoTime();
        r.beginStep("step 1");
        long inside = System.nanoTime();
        Thread.sleep(2);
        r.endStep();
        long after = System.nanoTime() + 1_000_000_000L;
        int kept = r.addTrack("GPU stream", "kernel", List.of(
                new TraceRecorder.Span("early", before - 2_000_000_000L, before - 1_000_000_000L),
                new TraceRecorder.Span("gemm", inside, inside + 1_000_000),
                new TraceRecorder.Span("late", after, after + 1000)));
        assertEquals(1, kept);
        Path file = dir.resolve("trace.json");
        r.write(file);
        JsonNode events = new ObjectMapper().readTree(file.toFile()).get("traceEvents");
        int trackTid = Integer.MIN_VALUE;
        List<String> kernels = new ArrayList<>();
        for (JsonNode e : events) {
            if (e.get("ph").asText().equals("M") && e.get("args").get("name").asText().equals("GPU stream")) {
                trackTid = e.get("tid").asInt();
            }
            if (e.path("cat").asText().equals("kernel")) {
                kernels.add(e.get("name").asText() + "@" + e.get("tid").asInt());
                assertEquals(1000.0, e.get("dur").asDouble(), 1e-9, "duration in microseconds");
            }
        }
        assertTrue(trackTid < 0, "the track is named");
        assertEquals(List.of("gemm@" + trackTid), kernels);
    }
}
