package cl2cm.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Debian's Chromium (or chromium-headless-shell), headless, for tests that look at a page as a person does: the DOM
 * after the load event, what the page wrote to the console, and a screenshot. Flags as this machine needs them: no
 * sandbox (root), no GPU, and no background networking, which a closed network refuses.
 */
final class HeadlessChromium {
    private final Path executable;

    private HeadlessChromium(Path executable) {
        this.executable = executable;
    }

    /** The first browser found ({@code $CL2CM_CHROMIUM}, then the Debian paths), or empty. */
    static Optional<HeadlessChromium> find() {
        String env = System.getenv("CL2CM_CHROMIUM");
        return Stream.concat(env == null ? Stream.empty() : Stream.of(env),
                        Stream.of("/usr/bin/chromium", "/usr/bin/chromium-headless-shell", "/usr/bin/google-chrome"))
                .map(Path::of).filter(Files::isExecutable).findFirst().map(HeadlessChromium::new);
    }

    /** The DOM after load, and every console line the page produced (messages, uncaught errors). */
    record Page(String dom, List<String> console) {
    }

    Page load(Path html, Path profile) throws IOException, InterruptedException {
        Path err = Files.createTempFile(profile.getParent(), "chromium", ".log");
        Process p = start(profile, err, "--enable-logging=stderr", "--v=0", "--dump-dom",
                "--virtual-time-budget=5000", html.toUri().toString());
        String dom = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        finish(p);
        List<String> console = new ArrayList<>();
        for (String line : Files.readAllLines(err, StandardCharsets.UTF_8)) {
            if (line.contains(":CONSOLE")) {
                console.add(line);
            }
        }
        return new Page(dom, console);
    }

    void screenshot(Path html, Path png, int width, int height, Path profile) throws IOException, InterruptedException {
        Process p = start(profile, profile.getParent().resolve("screenshot.log"), "--hide-scrollbars",
                "--window-size=" + width + "," + height, "--screenshot=" + png.toAbsolutePath(), html.toUri().toString());
        p.getInputStream().readAllBytes();
        finish(p);
    }

    Process start(Path profile, Path stderr, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(executable.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile.toAbsolutePath()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectError(stderr.toFile()).start();
    }

    private static void finish(Process p) throws InterruptedException {
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish within 60 s");
        }
    }
}
