package cl2cm.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The report's parts: the history reader, the projection and the page's escaping. */
class ReportPartsTest {
    @TempDir
    Path dir;

    @Test
    void historyReadsStagesSkipsCutLinesAndAlignsColumns() throws IOException {
        Path f = dir.resolve("history.jsonl");
        Files.writeString(f, """
                {"type":"step","stage":"cln","step":1,"loss_a":3.0,"update_ratio_text":0.01}
                {"type":"step","stage":"cln","step":2,"loss_a":2.0}
                {"type":"epoch","stage":"cln","epoch":1,"val_score":40.5,"best":true}
                {"type":"step","stage":"cl2cm","step":1,"loss_kd":1.5}
                {"type":"step","stage":"cl2cm","step":2,"loss_kd":1.2,"loss_new":0.5}
                {"type":"step","stage":"cl2cm","ste""");
        List<History.Stage> stages = History.read(f);
        assertEquals(List.of("cln", "cl2cm"), stages.stream().map(History.Stage::name).toList());
        History.Stage cln = stages.get(0);
        assertArrayEquals(new double[]{3, 2}, cln.column(cln.steps(), "loss_a"));
        assertArrayEquals(new double[]{0.01, Double.NaN}, cln.column(cln.steps(), "update_ratio_text"),
                "a value measured on some steps only is NaN on the others");
        assertArrayEquals(new double[]{40.5}, cln.column(cln.epochs(), "val_score"));
        assertArrayEquals(new double[]{1}, cln.column(cln.epochs(), "best"));
        History.Stage s2 = stages.get(1);
        assertEquals(List.of("loss_kd", "loss_new"), s2.keys("loss_"));
        assertArrayEquals(new double[]{Double.NaN, 0.5}, s2.column(s2.steps(), "loss_new"), "a column that starts late");
        assertEquals(2, s2.column(s2.steps(), "step").length, "the line cut short by a kill is skipped");
        assertTrue(History.read(dir.resolve("none.jsonl")).isEmpty());
    }

    @Test
    void projectionFindsTheDirectionsOfLargestVariance() {
        // Points on an ellipse, 10 along (1, 1, 0)/sqrt2 and 1 along (0, 0, 1), with 0.01 of wobble along
        // (1, -1, 0)/sqrt2, around an offset: the three coordinates are uncorrelated over the full turn.
        int n = 200;
        double[] a = new double[n];
        double[] b = new double[n];
        float[][] rows = new float[n][];
        double s = Math.sqrt(0.5);
        for (int i = 0; i < n; i++) {
            double t = 2 * Math.PI * i / n;
            a[i] = 10 * Math.cos(t);
            b[i] = Math.sin(t);
            double c = 0.01 * Math.cos(3 * t);
            rows[i] = new float[]{(float) (5 + s * a[i] + s * c), (float) (-2 + s * a[i] - s * c), (float) (7 + b[i])};
        }
        float[][] p = Projection.pca2(rows);
        double meanA = java.util.Arrays.stream(a).average().orElseThrow();
        double meanB = java.util.Arrays.stream(b).average().orElseThrow();
        double signA = Math.signum(p[0][0] * (a[0] - meanA));
        double signB = Math.signum(p[n / 4][1] * (b[n / 4] - meanB));
        for (int i = 0; i < n; i++) {
            assertEquals(a[i] - meanA, signA * p[i][0], 1e-3, "first component, row " + i);
            assertEquals(b[i] - meanB, signB * p[i][1], 1e-3, "second component, row " + i);
        }
        assertThrows(IllegalArgumentException.class, () -> Projection.pca2(new float[][]{{1, 2}}));
        assertThrows(IllegalArgumentException.class, () -> Projection.pca2(new float[][]{{1, 2}, {1}}));
    }

    @Test
    void pageEscapesTextAndIsSelfContained() throws IOException {
        ReportPage page = new ReportPage("run <x>");
        page.paragraph("a caption with <script>alert(1)</script> & \"quotes\"");
        page.table(List.of(List.of("model", "mR"), List.of("<b>", "1.0")));
        page.charts(List.of(Charts.xy("t", "x", "y", List.of(new Charts.Series("s", new double[]{1, 2},
                new double[]{3, 4})), Charts.Style.LINES, true, false, 300, 200)));
        page.pictures("q", List.of(new ReportPage.Picture(new java.awt.image.BufferedImage(4, 4,
                java.awt.image.BufferedImage.TYPE_INT_RGB), "1. 0.5", true)));
        Path f = dir.resolve("r.html");
        page.write(f);
        String html = Files.readString(f);
        assertFalse(html.contains("<script>alert"), "text is escaped");
        assertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;"), html);
        assertTrue(html.contains("<td>&lt;b&gt;</td>") && html.contains("<title>run &lt;x&gt;</title>"));
        assertTrue(html.contains("<svg") && html.contains("data:image/png;base64,") && html.contains("class=\"right\""));
        assertFalse(html.matches("(?s).*(src|href)=[\"']https?:.*"), "nothing to fetch");
        assertThrows(IllegalArgumentException.class, () -> new Charts.Series("s", new double[2], new double[3]));
    }
}
