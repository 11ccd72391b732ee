package cl2cm.app;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code report.html} of a tiny two-seed demo: every section, charts that are well-formed SVG, pictures that decode,
 * nothing fetched from elsewhere; then the page as Chromium shows it (skipped without a browser), with a screenshot
 * kept in target/.
 */
class ReportTest {
    @TempDir
    static Path dir;
    static Path run;
    static String html;

    @BeforeAll
    static void demo() throws IOException {
        Path cfg = dir.resolve("tiny.json");
        Files.writeString(cfg, ReliabilityTest.TINY.replace("\"epochs\": 1", "\"epochs\": 2"));
        run = dir.resolve("run");
        ReliabilityTest.Result r = ReliabilityTest.cli("demo", "--config", cfg.toString(), "--out", run.toString(),
                "--seeds", "1,2");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("report: " + run.resolve("report.html")), r.out());
        html = Files.readString(run.resolve("report.html"));
    }

    @Test
    void reportHasEverySectionChartAndPicture() throws Exception {
        for (String s : List.of("Test results", "Training (seed1)", "stage cln: loss terms", "stage cl2cm: loss terms",
                "gradient norm", "update / weight norm", "validation mR per epoch", "test mR per seed",
                "Embeddings of the test split", "Retrieval examples")) {
            assertTrue(html.contains(s), "section or chart '" + s + "'");
        }
        List<String> svgs = all(html, "(?s)<svg.*?</svg>");
        assertTrue(svgs.size() >= 10, svgs.size() + " charts");
        for (String svg : svgs) {
            assertNotNull(DocumentBuilderFactory.newInstance().newDocumentBuilder()
                    .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8))), "well-formed SVG");
        }
        List<String> pngs = all(html, "data:image/png;base64,([A-Za-z0-9+/=]+)");
        assertEquals(2 * 4 * 5, pngs.size(), "2 models x 4 queries x top 5");
        for (String p : pngs) {
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(
                    p.substring(p.indexOf(',') + 1))));
            assertTrue(img != null && img.getWidth() == 16, "a 16 px picture");
        }
        assertFalse(Pattern.compile("(src|href)=[\"']?(https?:|//)").matcher(html).find(), "nothing to fetch");
        assertFalse(html.contains("<link") || html.contains("<script src"), "no external scripts or styles");
    }

    @Test
    void reportCommandRewritesItAndRefusesAFolderThatIsNoRun() throws IOException {
        Files.delete(run.resolve("report.html"));
        ReliabilityTest.Result r = ReliabilityTest.cli("report", "--run", run.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(Files.readString(run.resolve("report.html")).contains("Retrieval examples"));
        ReliabilityTest.cli("report", "--run", dir.resolve("nothing").toString()).failsWith("nothing", "no such run folder");
        Path empty = Files.createDirectories(dir.resolve("empty"));
        ReliabilityTest.cli("report", "--run", empty.toString()).failsWith("empty", "not a run folder");
    }

    @Test
    void aReportThatCannotBeWrittenNeverEndsARun() throws IOException {
        Path copy = Files.createDirectories(dir.resolve("blocked"));
        Files.copy(run.resolve("metrics.json"), copy.resolve("metrics.json"));
        Files.copy(run.resolve("config.json"), copy.resolve("config.json"));
        Files.createDirectories(copy.resolve("report.html"));   // a folder where the page should go
        java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
        java.io.PrintStream ps = new java.io.PrintStream(log, true, StandardCharsets.UTF_8);
        assertFalse(RunReport.tryWrite(copy, false, ps));
        cl2cm.train.TrainingListener updater = RunReport.updater(copy, ps);
        updater.epoch(new cl2cm.train.TrainingListener.Epoch("cln", 0, 1, 1, 1, true, 1));
        updater.epoch(new cl2cm.train.TrainingListener.Epoch("cln", 1, 2, 1, 1, true, 1));
        String[] lines = log.toString(StandardCharsets.UTF_8).strip().split("\n");
        assertEquals(2, lines.length, "the updater says it once: " + log.toString(StandardCharsets.UTF_8));
        for (String l : lines) {
            assertTrue(l.startsWith("report: " + copy.resolve("report.html") + " not written: ")
                    && l.endsWith("'cl2cm report --run " + copy + "' draws it later"), l);
        }
    }

    @Test
    void chromiumShowsEveryPictureWithoutConsoleErrors() throws Exception {
        var browser = HeadlessChromium.find();
        Assumptions.assumeTrue(browser.isPresent(), "no Chromium (apt-get install chromium)");
        Path file = run.resolve("report.html");
        Path profile = Files.createDirectories(dir.resolve("chromium-profile"));
        HeadlessChromium.Page page = browser.get().load(file, profile);
        assertTrue(page.dom().contains("data-broken-images=\"0\""), "every picture decoded; body: "
                + page.dom().substring(0, Math.min(300, page.dom().length())));
        assertEquals(List.of(), page.console(), "console messages");
        assertEquals(all(html, "<svg").size(), all(page.dom(), "<svg").size(),
                "every chart is in the rendered page");
        Path shot = Path.of("target", "report-screenshot.png");
        Files.createDirectories(shot.getParent());
        browser.get().screenshot(file, shot, 1300, 2400, profile);
        BufferedImage img = ImageIO.read(shot.toFile());
        assertEquals(1300, img.getWidth());
        assertTrue(distinctColours(img) > 50, "the screenshot shows charts and pictures, not a blank page");
    }

    private static int distinctColours(BufferedImage img) {
        java.util.Set<Integer> colours = new java.util.HashSet<>();
        for (int y = 0; y < img.getHeight(); y += 3) {
            for (int x = 0; x < img.getWidth(); x += 3) {
                colours.add(img.getRGB(x, y));
            }
        }
        return colours.size();
    }

    private static List<String> all(String s, String regex) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile(regex).matcher(s);
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }
}
